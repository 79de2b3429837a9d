import Logging
import ServiceLifecycle

/// Runs the parts of one `pygrade-service` process as one `ServiceGroup`:
/// the HTTP front end, the callback dispatcher, the grading node (each
/// optional). SIGTERM and SIGINT shut it down gracefully, the grading node
/// first (it stops claiming and finishes or releases its jobs), then the
/// dispatcher, then HTTP; `run` then returns (the process exits 0).
public enum ServiceRunner {
    public static func run(
        http: (any Service)?, dispatcher: CallbackDispatcher?, node: GradingNode?, logger: Logger
    ) async throws {
        // Shut down in reverse order: the node first, HTTP last (it keeps
        // answering /healthz while jobs finish).
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        func add(_ service: any Service, _ name: String) {
            services.append(
                .init(
                    service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let http { add(http, "http") }
        if let dispatcher { add(dispatcher, "callbacks") }
        if let node { add(node, "grading") }
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        let group = ServiceGroup(configuration: configuration)
        try await group.run()
    }
}
