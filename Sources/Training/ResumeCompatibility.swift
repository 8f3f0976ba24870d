/// Which config changes a resumed run accepts. A resume continues the recorded run exactly, so a key that shapes
/// the data, the model or the updates must keep its value; only keys that change where records go or how often
/// they are written may differ. `steps` may grow with `--extend-steps` when the schedule does not depend on it.
public enum ResumeCompatibility {
    /// Keys free to differ: output and bookkeeping only, and `gradient_checkpointing`, which trades memory for time
    /// without changing the gradients (the data paths may move; the dataset fingerprint is checked separately).
    public static let freeKeys: Set<String> = ["run_dir", "data", "annotations", "masks", "classes", "log_every", "keep_last", "eval_every", "checkpoint_every",
                                              "best_metric", "best_mode", "loader_workers", "image_samples",
                                              "gradient_checkpointing"]

    /// The changed keys as `key: old → new`, sorted; empty when the run may resume. A key the checkpoint does not
    /// record (it predates the key) counts as its default.
    public static func changes(recorded: [String: String], now: [(key: String, value: String)], extendSteps: Bool) -> [String] {
        let defaults = Dictionary(uniqueKeysWithValues: TrainingConfig().hyperparameters.map { ($0.key, $0.value) })
        var changes: [String] = []
        for (key, value) in now.sorted(by: { $0.key < $1.key }) where !freeKeys.contains(key) {
            let old = recorded[key] ?? defaults[key] ?? "(absent)"
            guard old != value else { continue }
            if key == "steps", extendSteps, let before = Int(old), let after = Int(value), after > before { continue }
            changes.append("\(key): \(old) → \(value)")
        }
        return changes
    }

    /// Why `--extend-steps` cannot apply, or nil when it can: one-cycle and cosine schedules are laid out over the
    /// total number of steps, so extending it would rewrite the rates the recorded steps were trained with.
    public static func extensionProblem(_ config: TrainingConfig) -> String? {
        switch config.schedule {
        case .constant, .step: nil
        case .onecycle, .warmup_cosine: "--extend-steps: schedule \(config.schedule.rawValue) is laid out over `steps`; only constant and step schedules can be extended"
        }
    }
}
