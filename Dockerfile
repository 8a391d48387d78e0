# syntax=docker/dockerfile:1
# covaudit as a container, for CI systems other than GitHub Actions (and anyone without Go):
#
#   docker build -t covaudit .
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/work" covaudit check
#
# The default image holds only the static binary (no shell, no CA certificates: covaudit opens
# no connection). The target `ci` adds bash and git and the action's script, for CI systems whose
# jobs run a shell inside the image (GitLab CI, Jenkins, Woodpecker):
#
#   docker build --target ci -t covaudit:ci .      # then: bash /opt/covaudit/action/run.sh
#
# Build argument VERSION (say v1.2.0) is what `covaudit version` and the reports' meta.version say.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=
# CGO_ENABLED=0: the default build is pure Go (the PROJ build, -tags proj, needs cgo and is not
# made here); the binary is static and runs on any Linux.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/covaudit ./cmd/covaudit \
 && /out/covaudit version

FROM debian:stable-slim AS ci
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bash git \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/covaudit /usr/local/bin/covaudit
COPY action/run.sh /opt/covaudit/action/run.sh
ENV COVAUDIT=/usr/local/bin/covaudit
WORKDIR /work

# The default target: the binary alone, run as an unprivileged user (give -u to write into a
# mounted folder owned by someone else).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/covaudit /usr/local/bin/covaudit
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/covaudit"]
CMD ["help"]
