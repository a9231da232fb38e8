# Switchboard: the panel (dist/) and its server (dist-server/) on Debian's Node 20, as a non-root user.
# Build:  docker build -t switchboard .      Run: see compose.yaml and README "Deploy".
# CI cannot run docker: server/deploy.test.ts checks this file, and npm test runs the same build and start.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/dist-server ./dist-server
COPY --from=build --chown=root:root /app/scripts/user.mjs ./scripts/user.mjs
# The users file lives in a volume the server can read and the CLI can write; the code is not writable.
RUN mkdir -p /var/lib/switchboard && chown node:node /var/lib/switchboard
ENV SWITCHBOARD_USERS_FILE=/var/lib/switchboard/users.json
# Call records, audit rows and sessions (SQLite, unless DATABASE_URL names a PostgreSQL): their own volume.
RUN mkdir -p /var/lib/switchboard-data && chown node:node /var/lib/switchboard-data
ENV SWITCHBOARD_DATA_DIR=/var/lib/switchboard-data
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# A larger young generation: fewer collections, each of which paused a fan-out to a thousand held polls (bench/README.md).
CMD ["node", "--max-semi-space-size=64", "dist-server/server/main.js"]
