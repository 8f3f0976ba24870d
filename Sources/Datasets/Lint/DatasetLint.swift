import Foundation

/// `fovea lint DATASET [--images DIR]`: finds what would silently spoil training or evaluation.
///
/// The layout is recognised from DATASET: a `.json` file is COCO instances (images in `--images`, else `images/`
/// beside it, else its folder); a folder with `annotations.json` is COCO the same way; a folder with `masks/` is
/// segmentation (`images/`, `masks/`, optional `classes.json`); any other folder is an ImageFolder.
public enum DatasetLint {
    public struct Options: Sendable {
        /// Classes with fewer samples than this get a warning.
        public var minSamplesPerClass = 5
        /// Largest tolerated ratio between the most and the least frequent class.
        public var maxImbalance = 50.0
        /// Mean absolute grey-level difference of 16 × 16 thumbnails at or below which two images are near duplicates.
        public var nearDuplicateThreshold = 2.0
        public var limits = ImageLimits.default

        public init() {}
    }

    public static func lint(_ dataset: String, images: String? = nil, options: Options = Options()) throws(DatasetError) -> LintReport {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: dataset, isDirectory: &isFolder) else {
            throw DatasetError(file: dataset, problem: "no such file or folder")
        }
        func child(_ name: String, of folder: String) -> String { (folder as NSString).appendingPathComponent(name) }
        func exists(_ path: String) -> Bool { manager.fileExists(atPath: path) }

        let findings: [LintFinding]
        if !isFolder.boolValue {
            let folder = (dataset as NSString).deletingLastPathComponent.isEmpty ? "." : (dataset as NSString).deletingLastPathComponent
            let root = images ?? (exists(child("images", of: folder)) ? child("images", of: folder) : folder)
            var coco = COCOLint(annotationFile: dataset, imageRoot: root, options: options)
            coco.run()
            findings = coco.findings
        } else if exists(child("annotations.json", of: dataset)) {
            let root = images ?? (exists(child("images", of: dataset)) ? child("images", of: dataset) : dataset)
            var coco = COCOLint(annotationFile: child("annotations.json", of: dataset), imageRoot: root, options: options)
            coco.run()
            findings = coco.findings
        } else if exists(child("masks", of: dataset)) {
            findings = FolderLint.segmentation(dataset, imageFolder: images ?? child("images", of: dataset), options: options)
        } else {
            findings = FolderLint.classification(dataset, options: options)
        }
        return LintReport(dataset: dataset, findings: findings)
    }
}
