// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "pygrade",
    products: [
        .executable(name: "pygrade", targets: ["pygrade"]),
        // The service (`pygrade serve`, `pygrade work` exec it): its own
        // binary, so that the CLI the worker re-executes stays lean.
        .executable(name: "pygrade-service", targets: ["pygrade-service"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
        // The service only (never linked into `pygrade`).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // Debian's libpython3 through pkg-config only: no `link` line in the
        // module map, so whichever 3.x a machine carries is the one we get.
        .systemLibrary(
            name: "CPython",
            pkgConfig: "python3-embed",
            providers: [.apt(["python3-dev"])]
        ),
        // Plain C with no Python: the value-stream digest shared by the
        // orchestrator (expected values) and the job child (results).
        .target(
            name: "CPygradeSupport",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        // The sandbox (namespaces, scratch, Landlock, seccomp, limits) and
        // its policy, in C with no Python.
        .target(
            name: "CSandbox",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("seccomp")]
        ),
        // The job child and what it runs (frames, set-up, load, tests, the
        // encoder, the rules, CPython macros), kept in C so that no Swift
        // runtime code runs after fork.
        .target(
            name: "CJobChild",
            dependencies: ["CPython", "CPygradeSupport", "CSandbox"],
            cSettings: [.define("_GNU_SOURCE")]
        ),
        // What crosses the process boundary, and nothing else: the messages
        // and their codecs, statuses, the value stream, Clock and the
        // system-call error. The worker links this and not the orchestrator.
        .target(
            name: "PygradeProtocol",
            dependencies: ["CPygradeSupport"]
        ),
        // The orchestrator: exercises, grading, reports, batches.
        .target(
            name: "PygradeKit",
            dependencies: [
                "PygradeProtocol",
                "CPygradeSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Rainbow", package: "Rainbow"),
            ]
        ),
        // The worker process (`pygrade __worker`): the embedded interpreter,
        // the zygotes and the job children. It knows the protocol only, not
        // the orchestrator that speaks it.
        .target(
            name: "PygradeWorker",
            dependencies: ["PygradeProtocol", "CPython", "CJobChild", "CPygradeSupport"]
        ),
        .executableTarget(
            name: "pygrade",
            dependencies: [
                "PygradeKit",
                "PygradeWorker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The job queue of the service: one interface, two drivers (SQLite
        // in WAL mode, the embedded default; PostgreSQL for many machines).
        .target(
            name: "PygradeQueue",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The service: the HTTP API, the grading node that claims jobs and
        // grades them with PygradeKit, callbacks and metrics.
        .target(
            name: "PygradeService",
            dependencies: [
                "PygradeKit",
                "PygradeQueue",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The OpenAPI document, compiled into the binary as bytes (no
            // resource bundle to ship beside it): served at /openapi.json
            // wherever the binary and the exercises are. docs/openapi.json
            // is a link to this one file.
            resources: [.embedInCode("API/openapi.json")]
        ),
        .executableTarget(
            name: "pygrade-service",
            dependencies: [
                "PygradeService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers both test targets use (an XML tree over Foundation's parser).
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "PygradeKitTests",
            dependencies: ["PygradeKit", "PygradeProtocol", "CPygradeSupport", "TestSupport"]
        ),
        .testTarget(name: "PygradeWorkerTests", dependencies: ["PygradeWorker", "CJobChild", "CPython", "CPygradeSupport", "TestSupport"]),
        // Runs the built `pygrade` binary; depending on it makes
        // `swift test` build it first.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["PygradeKit", "pygrade", "TestSupport"]
        ),
        .testTarget(
            name: "PygradeQueueTests",
            dependencies: ["PygradeQueue", "TestSupport"]
        ),
        // Runs the built `pygrade-service` (and `pygrade`) against a real
        // PostgreSQL and real HTTP clients.
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "PygradeService", "PygradeQueue", "PygradeKit", "pygrade", "pygrade-service", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
