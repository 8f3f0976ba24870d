/// An opaque colour with components in [0, 1].
public struct RGBColor: Sendable, Equatable, Hashable {
    public var r: Double, g: Double, b: Double

    public init(r: Double, g: Double, b: Double) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// From 0xRRGGBB, as CSS writes it.
    public init(hex: UInt32) {
        self.init(r: Double((hex >> 16) & 0xFF) / 255, g: Double((hex >> 8) & 0xFF) / 255, b: Double(hex & 0xFF) / 255)
    }

    /// The colour as 8-bit components, rounded.
    public var bytes: (r: UInt8, g: UInt8, b: UInt8) {
        func byte(_ c: Double) -> UInt8 { UInt8((min(max(c, 0), 1) * 255).rounded()) }
        return (byte(r), byte(g), byte(b))
    }

    /// Linear mix towards `other` (t = 0 gives self).
    public func mixed(with other: RGBColor, _ t: Double) -> RGBColor {
        RGBColor(r: r + (other.r - r) * t, g: g + (other.g - g) * t, b: b + (other.b - b) * t)
    }

    /// Relative luminance (sRGB weights, no linearisation): enough to choose black or white text on a fill.
    public var luminance: Double { 0.2126 * r + 0.7152 * g + 0.0722 * b }

    /// Black or white, whichever reads better on this colour.
    public var contrastingText: RGBColor { luminance > 0.55 ? .ink : .white }

    public static let white = RGBColor(r: 1, g: 1, b: 1)
    public static let black = RGBColor(r: 0, g: 0, b: 0)
    /// Body text: near-black, softer than pure black on white.
    public static let ink = RGBColor(hex: 0x222222)
    /// Secondary text (tick labels, captions).
    public static let mutedInk = RGBColor(hex: 0x555555)
    /// Axes and frames.
    public static let axis = RGBColor(hex: 0x888888)
    /// Grid lines: visible, never louder than data.
    public static let grid = RGBColor(hex: 0xE3E3E3)
    /// Cells with no value.
    public static let empty = RGBColor(hex: 0xF4F4F4)
}
