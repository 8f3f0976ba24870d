import Foundation

/// Axis ticks at round numbers, and their labels.
enum Ticks {
    /// Ticks at 1, 2 or 5 × 10^k covering [low, high] with about `target` intervals; the first and last tick
    /// enclose the data, so they make a tidy axis range.
    /// `integral` keeps the spacing at whole numbers (steps, iterations, counts).
    static func linear(_ low: Double, _ high: Double, target: Int = 5, integral: Bool = false) -> [Double] {
        var (low, high) = (low, high)
        if !(high > low) {  // one value (or none): centre it in a small range
            let pad = integral ? 1 : (low == 0 ? 1 : abs(low) * 0.1)
            (low, high) = (low - pad, high + pad)
        }
        var step = niceStep((high - low) / Double(max(target, 1)))
        if integral { step = max(step, 1) }
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        return stride(from: first, through: last, by: 1).map { cleaned($0 * step) }
    }

    /// Ticks for a log axis over [low, high] (both > 0). Up to three decades: 1, 2 and 5 × 10^k, from the last one
    /// at or below `low` to the first at or above `high` (no empty decade around the data). More: powers of ten,
    /// thinned to about six.
    static func logarithmic(_ low: Double, _ high: Double) -> [Double] {
        let first = Int(log10(low).rounded(.down))
        var last = Int(log10(high).rounded(.up))
        if last <= first { last = first + 1 }
        if last - first <= 3 {
            let candidates = (first...last).flatMap { e in [1.0, 2, 5].map { $0 * pow(10, Double(e)) } }
                .map { Double(String(format: "%.12g", $0))! }
            let start = candidates.last { $0 <= low * (1 + 1e-12) } ?? candidates[0]
            let end = candidates.first { $0 >= high * (1 - 1e-12) } ?? candidates[candidates.count - 1]
            return candidates.filter { $0 >= start && $0 <= end }
        }
        let every = (last - first + 5) / 6
        let start = Int((Double(first) / Double(every)).rounded(.down)) * every
        let end = Int((Double(last) / Double(every)).rounded(.up)) * every
        return stride(from: start, through: end, by: every).map { pow(10, Double($0)) }
    }

    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, log10(rough).rounded(.down))
        let fraction = rough / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Removes float noise such as 0.30000000000000004.
    private static func cleaned(_ v: Double) -> Double { Double(String(format: "%.12g", v))! }

    /// A short label for a tick among `ticks` (linear): as many decimals as the spacing needs, thousands as
    /// "k" and millions as "M", and an exponent for tiny spacings (a learning rate of 0.0003 reads "3e-4").
    static func label(_ v: Double, among ticks: [Double]) -> String {
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : max(abs(v), 1)
        if v == 0 { return "0" }
        let largest = ticks.map { abs($0) }.max() ?? abs(v)
        if step < 1e-3 && largest < 1e-2 { return exponent(v) }  // tiny values: "3e-4", not "0.0003"
        if largest >= 1e9 { return exponent(v) }  // an exploding loss: "2e12", not "2000000M"
        if abs(v) >= 1e6 && step >= 1e5 { return trimmed(v / 1e6, decimals: decimals(step / 1e6)) + "M" }
        if abs(v) >= 1e4 && step >= 1e3 { return trimmed(v / 1e3, decimals: decimals(step / 1e3)) + "k" }
        return trimmed(v, decimals: decimals(step))
    }

    /// A label for a power-of-ten axis: plain between 0.001 and 1000, an exponent beyond.
    static func logLabel(_ v: Double) -> String {
        let e = log10(v)
        if e >= -3 && e <= 3 { return trimmed(v, decimals: max(0, Int(-e.rounded(.down)))) }
        return exponent(v)
    }

    /// "3e-4", "1.5e+6" → "1.5e6".
    static func exponent(_ v: Double) -> String {
        let e = Int(log10(abs(v)).rounded(.down))
        let mantissa = v / pow(10, Double(e))
        return trimmed(mantissa, decimals: 1) + "e\(e)"
    }

    /// A value with general precision, for labels on bars and cells.
    static func value(_ v: Double, significant: Int = 3) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞") }
        if v != 0 && (abs(v) < 1e-3 || abs(v) >= 1e6) { return exponent(v) }
        let decimals = max(0, significant - 1 - Int(log10(max(abs(v), 1e-12)).rounded(.down)))
        return trimmed(v, decimals: min(decimals, 4))
    }

    /// The fewest decimals that write the spacing exactly (0.25 needs 2, 500 needs 0).
    private static func decimals(_ step: Double) -> Int {
        (0...8).first { d in
            let scaled = step * pow(10, Double(d))
            return abs(scaled - scaled.rounded()) < 1e-6 * max(scaled, 1)
        } ?? 8
    }

    private static func trimmed(_ v: Double, decimals: Int) -> String {
        var s = String(format: "%.\(decimals)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s.replacingOccurrences(of: "-", with: "−")  // a real minus sign, as wide as a digit's neighbour
    }
}
