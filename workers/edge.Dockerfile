# syntax=docker/dockerfile:1
# The edge agent's image (threadline-edge run), one manifest list for amd64 and arm64 (the Jetson
# family and other ARM gateways), built from the repository root:
#   docker buildx build --platform linux/amd64,linux/arm64 -f workers/edge.Dockerfile -t <registry>/threadline-edge:1.0.0 --push .
# onnxruntime-node ships its CPU binaries for both architectures inside the package; its install
# script is skipped (.npmrc), so nothing is downloaded at build or run time beyond npm packages.
# The orchestrator packages (issueEdgeBundle(format: GREENGRASS_V3 | AZURE_IOT_EDGE | HELM)) run it
# with the bundle and the model signing key in /etc/threadline-edge, its outbox on a volume at
# /var/lib/threadline-edge, and PLANT_MQTT_URL, THREADLINE_CORE_URL and THREADLINE_API_KEY set.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/threadline
COPY package.json package-lock.json .npmrc tsconfig.json ./
COPY prisma/package.json prisma/
COPY workers/package.json workers/
COPY api/package.json api/
COPY web/package.json web/
COPY e2e/package.json e2e/
RUN npm ci --include=dev --workspace @threadline/workers --workspace @threadline/db --include-workspace-root --ignore-scripts \
  && npm cache clean --force
COPY prisma/src prisma/src
COPY prisma/tsconfig.json prisma/
COPY workers/src workers/src
COPY workers/tsconfig.json workers/
RUN mkdir -p /var/lib/threadline-edge /etc/threadline-edge && chown node:node /var/lib/threadline-edge
USER node
VOLUME /var/lib/threadline-edge
ENTRYPOINT ["node", "--import", "tsx", "workers/src/edge/threadline-edge.ts"]
