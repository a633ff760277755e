# Brooklet in a container: `docker build -t brooklet .` then `docker run -p 9092:9092 brooklet`.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json ./
COPY scripts/node-gyp-cxx17 scripts/node-gyp-cxx17
COPY src src
COPY protocol protocol
COPY storage storage
COPY bench bench
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
ENV BROOKLET_HOST=0.0.0.0 BROOKLET_DATA_DIR=/data
VOLUME /data
EXPOSE 9092
ENTRYPOINT ["node", "dist/src/cli.js"]
