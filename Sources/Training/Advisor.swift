/// A suggestion drawn from the training signals, printed and recorded with the step that raised it.
public struct Advisory: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case clip, overfitting, diverging }
    public let kind: Kind
    public let step: Int
    public let message: String
}

/// Reads the curves and raises each kind of advisory at most once per run (a stream of repeats helps nobody).
public struct Advisor: Sendable, Codable {
    /// Total gradient norm above which clipping is advised (when it is off).
    public var gradientNormLimit = 10.0
    /// Evaluations in a row with train loss falling and validation loss stalling or rising (K).
    public var overfittingPatience = 3
    /// Steps per window when comparing recent and best train loss.
    public var divergenceWindow = 5
    /// Recent mean train loss over best window mean above which the run is diverging.
    public var divergenceRatio = 1.5
    public private(set) var raised: [Advisory] = []

    public init(overfittingPatience: Int = 3) { self.overfittingPatience = overfittingPatience }

    /// After each step: the total gradient norm before clipping, and the train losses so far.
    public mutating func observeStep(_ step: Int, gradientNorm: Double, clipping: Bool, losses: [Float]) -> [Advisory] {
        var new: [Advisory] = []
        if gradientNorm > gradientNormLimit, !clipping {
            new += raise(.clip, step, "gradient norm \(format(gradientNorm)) > \(format(gradientNormLimit)): set clip_grad_norm (e.g. 1.0)")
        }
        if Self.isDiverging(losses, window: divergenceWindow, ratio: divergenceRatio) {
            new += raise(.diverging, step, "train loss is diverging: lower lr or add warm-up")
        }
        return new
    }

    /// After each evaluation: the history of (mean train loss since the previous evaluation, validation loss).
    public mutating func observeEvaluation(_ step: Int, history: [(train: Double, validation: Double)]) -> [Advisory] {
        guard Self.isOverfitting(history, patience: overfittingPatience) else { return [] }
        return raise(.overfitting, step, "train loss fell while validation loss stalled or rose for \(overfittingPatience) evaluations: over-fitting (try DropBlock, more augmentation)")
    }

    /// The last `patience` evaluations each lowered train loss and did not lower validation loss.
    public static func isOverfitting(_ history: [(train: Double, validation: Double)], patience: Int) -> Bool {
        guard patience > 0, history.count > patience else { return false }
        let recent = Array(history.suffix(patience + 1))
        return (1..<recent.count).allSatisfy { recent[$0].train < recent[$0 - 1].train && recent[$0].validation >= recent[$0 - 1].validation }
    }

    /// A non-finite loss, or the mean of the last window above `ratio` × the lowest earlier window mean and
    /// above it by a tenth of the first window's mean (so a converged loss wobbling near zero is not "diverging").
    public static func isDiverging(_ losses: [Float], window: Int, ratio: Double) -> Bool {
        if let last = losses.last, !last.isFinite { return true }
        guard window > 0, losses.count >= 2 * window else { return false }
        let values = losses.map(Double.init)
        func mean(_ end: Int) -> Double { values[(end - window)..<end].reduce(0, +) / Double(window) }
        let best = stride(from: window, through: values.count - window, by: 1).map(mean).min()!
        let recent = mean(values.count)
        return recent > ratio * best && recent - best > 0.1 * mean(window)
    }

    private mutating func raise(_ kind: Advisory.Kind, _ step: Int, _ message: String) -> [Advisory] {
        guard !raised.contains(where: { $0.kind == kind }) else { return [] }
        let advisory = Advisory(kind: kind, step: step, message: message)
        raised.append(advisory)
        return [advisory]
    }

    private func format(_ x: Double) -> String {
        let rounded = (x * 100).rounded() / 100
        return "\(rounded)"
    }
}
