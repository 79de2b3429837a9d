/// The service's API version, in paths (`/v1/...`) and the OpenAPI document.
public enum ServiceVersion {
    public static let api = "v1"
}
