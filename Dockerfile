# syntax=docker/dockerfile:1
# One image for every telltale service: the processor, the alert service, the
# demo service and the all-in-one differ only by their command, e.g.
#   node packages/processor/src/cli/main.ts --config /etc/telltale/processor.yaml
# Node 24 runs the TypeScript sources directly (type stripping), so there is no
# build step: the image holds the sources and the production dependencies.

ARG NODE_IMAGE=node:24-bookworm-slim

# Stage 1: production dependencies only. The package manifests are copied
# first so a source change does not reinstall them.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/conventions/package.json packages/conventions/
COPY packages/config/package.json packages/config/
COPY packages/kafka/package.json packages/kafka/
COPY packages/service/package.json packages/service/
COPY packages/instrumentation/package.json packages/instrumentation/
COPY packages/processor/package.json packages/processor/
COPY packages/alerts/package.json packages/alerts/
COPY packages/all-in-one/package.json packages/all-in-one/
COPY examples/support-assistant/package.json examples/support-assistant/
# The root's devDependencies (node@24 for npm scripts, TypeScript, vitest,
# biome) are not needed: the base image is Node 24.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# Stage 2: the sources on top of the installed dependencies. Workspace
# packages are symlinks in node_modules/@telltale, resolved once the sources
# are in place.
FROM deps AS app
COPY packages/ packages/
COPY examples/ examples/
COPY deploy/ deploy/

# Stage 3: what runs. Files stay owned by root and read-only for the service
# user; only the state directory is writable.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# The all-in-one binds 127.0.0.1 on a laptop; in a container it must listen on all interfaces.
ENV TELLTALE_HOST=0.0.0.0
WORKDIR /app
COPY --from=app /app /app
RUN mkdir -p /var/lib/telltale && chown node:node /var/lib/telltale
USER node
# The alert service keeps its alert state here (mount a volume on it).
VOLUME ["/var/lib/telltale"]
# 4318 OTLP/HTTP (all-in-one), 9464 processor metrics, 9465 alert service.
EXPOSE 4318 9464 9465
ENTRYPOINT ["node"]
CMD ["packages/all-in-one/src/main.ts"]
