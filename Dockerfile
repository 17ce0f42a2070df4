# syntax=docker/dockerfile:1
# Euterpe as an image: one static binary on an empty filesystem, run as an
# unprivileged user. The binary carries the time zones and TLS roots it
# needs (cmd/euterpe imports time/tzdata and x509roots/fallback).
#
#   make image                          this machine's architecture
#   docker buildx build --platform linux/amd64,linux/arm64 -t euterpe .
#
# The build stage runs on the builder's own platform and cross-compiles
# with GOARCH, so an arm64 image needs no emulation.

FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o /out/euterpe ./cmd/euterpe

FROM scratch
COPY --from=build /out/euterpe /euterpe
# nobody's uid in distroless images: no shell, no home, nothing to write.
USER 65532:65532
ENV PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=6s --start-period=20s --retries=3 CMD ["/euterpe", "healthcheck"]
ENTRYPOINT ["/euterpe"]
CMD ["serve"]
