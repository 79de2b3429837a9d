import PygradeService

print("pygrade-service \(ServiceVersion.api)")
