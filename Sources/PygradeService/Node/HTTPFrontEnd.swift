import Foundation
import Hummingbird
import PygradeKit
import PygradeQueue
import ServiceLifecycle

/// What the HTTP side of `serve` is made from.
public struct HTTPFrontEndInputs: Sendable {
    public var host: String
    public var port: Int
    public var dataFolder: URL
    /// `--keys FILE` (nil: no keys, owner `local`, loopback only).
    public var keysFile: String?
    public var maxAttempts: Int
    public var callbackGuard: CallbackAddressGuard
    /// Whether this node grades (then /readyz asks `workersUp`).
    public var grades: Bool
    public var workersUp: @Sendable () -> Bool
    public var queue: any JobQueue
    public var metrics: ServiceMetrics
    public var catalog: ExerciseCatalog
    public var exercisesSHA256: String
    /// Long-polls a key (or, without keys, a client address) may hold open at once.
    public var maxLongPolls: Int

    public init(
        host: String, port: Int, dataFolder: URL, keysFile: String?, maxAttempts: Int, callbackGuard: CallbackAddressGuard,
        grades: Bool, workersUp: @escaping @Sendable () -> Bool, queue: any JobQueue, metrics: ServiceMetrics,
        catalog: ExerciseCatalog, exercisesSHA256: String, maxLongPolls: Int = APIConfiguration.defaultMaxLongPolls
    ) {
        self.host = host
        self.port = port
        self.dataFolder = dataFolder
        self.keysFile = keysFile
        self.maxAttempts = maxAttempts
        self.callbackGuard = callbackGuard
        self.grades = grades
        self.workersUp = workersUp
        self.queue = queue
        self.metrics = metrics
        self.catalog = catalog
        self.exercisesSHA256 = exercisesSHA256
        self.maxLongPolls = maxLongPolls
    }
}

/// The HTTP side of `serve`: the API (Sources/PygradeService/API) over
/// this node's queue, metrics and catalog.
public enum HTTPFrontEnd {
    public static func make(_ inputs: HTTPFrontEndInputs) throws -> any Service {
        let keys = try inputs.keysFile.map { path throws(APIKeysError) in try APIKeys.load(path: path) } ?? APIKeys()
        let configuration = APIConfiguration(
            host: inputs.host, port: inputs.port, dataFolder: inputs.dataFolder, keys: keys,
            callbackPolicy: inputs.callbackGuard, maxAttempts: inputs.maxAttempts,
            grades: inputs.grades, workersUp: inputs.workersUp, maxLongPolls: inputs.maxLongPolls)
        return APIServer.makeApplication(
            configuration: configuration, queue: inputs.queue, metrics: inputs.metrics, catalog: inputs.catalog)
    }
}
