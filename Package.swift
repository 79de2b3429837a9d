// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "pygrade",
    products: [
        .executable(name: "pygrade", targets: ["pygrade"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
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
    ],
    swiftLanguageModes: [.v6]
)
