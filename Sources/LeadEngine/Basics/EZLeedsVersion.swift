/// The version `ezleeds --version` prints; the one place it is written.
public enum EZLeedsVersion {
    public static let current = "0.9.0"
}
