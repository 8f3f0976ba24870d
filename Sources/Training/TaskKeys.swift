import Foundation
import NN

/// The config keys that belong to one task: the dense tasks' data keys, and the classifier-only regularisers and
/// hard-example sampling.
/// A key given to the wrong task is an error rather than silently unused.
enum TaskKeys {
    /// The data keys a dense task requires, with what they name.
    static let required: [(task: Architecture.Task, key: String, meaning: String)] = [
        (.detection, "annotations", "the COCO instances file"),
        (.segmentation, "masks", "the folder of class-index PNG masks"),
        (.segmentation, "classes", "the JSON list of class names"),
    ]

    /// `at(key)` spells `file:line: key` for errors.
    static func validate(_ config: TrainingConfig, at: (String) -> String) throws(ConfigError) {
        let task = config.task, kind = "\(config.model) is a \(task.rawValue) model"
        let given = ["annotations": config.annotations, "masks": config.masks, "classes": config.classes]
        for (owner, key, _) in required where owner != task && !given[key]!.isEmpty {
            throw ConfigError("\(at(key)): only for \(owner.rawValue) models (\(kind))")
        }
        for (owner, key, meaning) in required where owner == task {
            let path = given[key]!
            if path.isEmpty { throw ConfigError("\(at("model")): \(kind): `\(key):` (\(meaning)) is required") }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw ConfigError("\(at(key)): no such file or folder '\(path)'") }
            if isFolder.boolValue != (key == "masks") { throw ConfigError("\(at(key)): '\(path)' is \(isFolder.boolValue ? "a folder" : "a file"), expected \(meaning)") }
        }
        guard task != .classification else { return }
        // The zoo builds its detectors and segmenters without these regularisers.
        let classifierOnly: [(String, Bool)] = [("dropout", config.dropout > 0), ("drop_block", config.dropBlock > 0),
                                                ("stochastic_depth", (config.stochasticDepth ?? 0) > 0),
                                                ("label_smoothing", task == .detection && config.labelSmoothing > 0),
                                                ("hard_example_share", config.hardExampleShare > 0)]
        if let (key, _) = classifierOnly.first(where: \.1) {
            throw ConfigError("\(at(key)): not available for \(task.rawValue) models (\(kind))")
        }
    }
}
