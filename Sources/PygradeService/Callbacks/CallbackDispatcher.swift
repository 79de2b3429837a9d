import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PygradeQueue
import ServiceLifecycle

/// Sends callbacks (on the API node only, never from a grading slot): claims
/// due ones from the queue, posts each its submission document, signed, to
/// the address its URL was checked to have, and records what came of it:
/// delivered (2xx), tried again later (1, 2, 4 ... s), or given up after the
/// last try or when the address is refused. Redirects are not followed.
public final class CallbackDispatcher: Service, Sendable {
    let queue: any JobQueue
    let configuration: CallbackConfiguration
    let metrics: ServiceMetrics
    let logger: Logger

    public init(
        queue: any JobQueue, configuration: CallbackConfiguration, metrics: ServiceMetrics,
        logger: Logger = Logger(label: "pygrade.callbacks")
    ) {
        self.queue = queue
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        // A send cut short by the shutdown is sent again once its claim expires.
        try? await cancelWhenGracefulShutdown { try await self.loop() }
    }

    private func loop() async throws {
        while !Task.isCancelled {
            let tasks: [CallbackTask]
            do {
                tasks = try await queue.claimCallbacks(limit: 8, leaseSeconds: configuration.leaseSeconds)
            } catch {
                logger.warning("the queue did not answer a callback claim: \(error)")
                try await Task.sleep(for: .seconds(configuration.pollSeconds))
                continue
            }
            if tasks.isEmpty {
                try await Task.sleep(for: .seconds(configuration.pollSeconds))
                continue
            }
            await withDiscardingTaskGroup { group in
                for task in tasks { group.addTask { await self.deliver(task) } }
            }
        }
    }

    /// One try of one callback, and its bookkeeping.
    func deliver(_ task: CallbackTask) async {
        let outcome = await send(task)
        do {
            switch outcome {
            case .delivered:
                try await queue.callbackFinished(task, delivered: true, reason: nil)
                metrics.callbackEnded(delivered: true)
            case .failed(let reason, let permanent):
                if permanent || task.tries + 1 >= configuration.tries {
                    logger.notice("callback of \(task.jobID) given up: \(reason)")
                    try await queue.callbackFinished(task, delivered: false, reason: reason)
                    metrics.callbackEnded(delivered: false)
                } else {
                    try await queue.callbackRetry(task, delay: configuration.delay(afterTries: task.tries + 1), reason: reason)
                }
            }
        } catch {
            logger.warning("the queue did not record the callback of \(task.jobID): \(error)")
        }
    }

    enum Outcome: Equatable {
        case delivered
        case failed(String, permanent: Bool)
    }

    /// One client per send: `dnsOverride` pins the URL's host to the address
    /// just checked, for http and https alike (TLS still sends the name and
    /// verifies the certificate for it); no redirect is followed.
    static func clientConfiguration(for target: CallbackAddressGuard.Target, timeout: Double) -> HTTPClient.Configuration {
        var config = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(Int64(timeout)), read: .seconds(Int64(timeout))))
        if let address = target.address {
            // The client looks the override up by the URL's host as written,
            // not lowercased: without that spelling, a host in other case
            // would be resolved again (DNS rebinding past the check).
            let asWritten = target.url.host.map(CallbackAddressGuard.bare) ?? target.host
            config.dnsOverride = [target.host: address]
            config.dnsOverride[asWritten] = address
        }
        return config
    }

    private func send(_ task: CallbackTask) async -> Outcome {
        let job: JobRecord
        do {
            guard let j = try await queue.job(task.jobID) else { return .failed("the submission no longer exists", permanent: true) }
            job = j
        } catch {
            return .failed("the queue did not answer: \(error)", permanent: false)
        }
        guard let url = URL(string: task.url) else { return .failed("the callback URL is not a URL", permanent: true) }
        let target: CallbackAddressGuard.Target
        switch await configuration.addressGuard.check(url) {
        case .success(let t): target = t
        case .failure(let refusal): return .failed(refusal.reason, permanent: refusal.permanent)
        }
        // The same bytes GET /v1/submissions/{id} answers.
        let body = [UInt8](SubmissionDocument.encode(job))
        var request = HTTPClientRequest(url: task.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "pygrade-service/\(ServiceVersion.api)")
        if let secret = configuration.secret {
            let t = Int(Date().timeIntervalSince1970)
            request.headers.add(
                name: CallbackSignature.headerName, value: CallbackSignature.header(secret: secret, timestamp: t, body: body))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: Self.clientConfiguration(for: target, timeout: configuration.timeout))
        let outcome: Outcome
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(configuration.timeout)))
            // Read (a little of) the answer, so the connection ends cleanly.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            outcome =
                (200..<300).contains(response.status.code)
                ? .delivered : .failed("the receiver answered \(response.status.code)", permanent: false)
        } catch {
            outcome = .failed("the POST failed: \(error)", permanent: false)
        }
        try? await client.shutdown()
        return outcome
    }
}
