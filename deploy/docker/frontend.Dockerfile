# syntax=docker/dockerfile:1
# Image of the Next.js frontend. Build from the repository root:
#   docker build -f deploy/docker/frontend.Dockerfile -t rent-to-own/frontend:latest .
# The gateway's address is read at request time (GATEWAY_URL for server-side calls inside the
# cluster, PUBLIC_GATEWAY_URL for the browser), so one image serves every environment.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------- dependencies (production only)
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------- build
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build && mkdir -p public && rm -rf .next/cache

# ---------------------------------------------------------------- runtime
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="rent-to-own/frontend" \
      org.opencontainers.image.description="Next.js marketplace and staff console" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/rent-to-own/platform" \
      org.opencontainers.image.base.name="node:20-bookworm-slim"
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0 \
    GATEWAY_URL=http://api-gateway:8080
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/next.config.mjs ./
COPY --from=build /app/.next ./.next
COPY --from=build /app/public ./public
EXPOSE 3000
# Non-root; the root file system may be read-only (Next.js writes only .next/cache, a volume).
USER 10001:10001
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/').then(r=>process.exit(r.status<500?0:1)).catch(()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "node_modules/next/dist/bin/next", "start", "-p", "3000"]
