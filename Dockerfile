# UrbanWatt in a container: built once with the Swift toolchain from the pinned dependencies
# (Package.resolved), run on a slim Debian with libmosquitto as an unprivileged user.
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libmosquitto-dev tzdata && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift Package.resolved ./
RUN swift package resolve --force-resolved-versions
COPY Sources ./Sources
COPY Tests ./Tests
COPY Scenarios ./Scenarios
RUN swift build -c release --product urbanwatt --static-swift-stdlib \
 && cp .build/release/urbanwatt /usr/local/bin/urbanwatt

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libmosquitto1 tzdata ca-certificates libcurl4 libxml2 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /work --create-home urbanwatt
COPY --from=build /usr/local/bin/urbanwatt /usr/local/bin/urbanwatt
COPY Scenarios /scenarios
USER urbanwatt
WORKDIR /work
ENTRYPOINT ["urbanwatt"]
CMD ["run"]
