/// UrbanWatt's version, written into every summary.
public enum UrbanWattVersion {
    public static let current = "0.1.0"
}
