// Loaded from src/index.css with `@config`. Tailwind 4 reads the dark variant and the project's
// own utilities from the CSS itself; this file holds only theme additions.
/** @type {import('tailwindcss').Config} */
export default {
  theme: {
    extend: {
      fontFamily: {
        sans: ['system-ui', '-apple-system', 'Segoe UI', 'Roboto', 'Helvetica Neue', 'Arial', 'sans-serif'],
      },
    },
  },
}
