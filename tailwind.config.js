/** @type {import('tailwindcss').Config} */
export default {
  darkMode: 'class',
  theme: {
    extend: {
      colors: {
        ringing: { DEFAULT: '#b45309', soft: '#fef3c7' },
      },
    },
  },
}
