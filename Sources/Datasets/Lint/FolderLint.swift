import Foundation

/// Lint of the folder layouts: ImageFolder classification and images/ + masks/ segmentation.
enum FolderLint {
    static func classification(_ root: String, options: DatasetLint.Options) -> [LintFinding] {
        let dataset: ImageFolder
        do {
            dataset = try ImageFolder(root: root)
        } catch {
            return [LintFinding(.error, "class-empty", file: error.file, error.problem)]
        }
        var findings: [LintFinding] = [], surveys: [ImageSurvey] = []
        for (sample, result) in zip(dataset.samples, ImageSurvey.readAll(dataset.samples.map(\.path), limits: options.limits)) {
            switch result {
            case .failure(let failure): findings.append(LintFinding(.error, "image-unreadable", file: sample.path, failure.problem))
            case .success(let survey): surveys.append(survey)
            }
        }
        findings += ImageSurvey.duplicates(surveys, threshold: options.nearDuplicateThreshold)
        let counts = dataset.classes.names.enumerated().map { label, name in
            (name, dataset.samples.filter { $0.label == label }.count)
        }
        return findings + ClassBalance.findings(counts, file: root, unit: "images", options: options)
    }

    /// `images/<stem>.png|jpg` paired with `masks/<stem>.png`; `classes.json` (names, index = class) when present
    /// defines the valid mask values besides 255.
    static func segmentation(_ root: String, imageFolder: String, options: DatasetLint.Options) -> [LintFinding] {
        let maskFolder = (root as NSString).appendingPathComponent("masks")
        let classesFile = (root as NSString).appendingPathComponent("classes.json")
        var findings: [LintFinding] = []
        var classNames: [String]?
        if let data = FileManager.default.contents(atPath: classesFile) {
            classNames = try? JSONDecoder().decode([String].self, from: data)
            if classNames == nil { findings.append(LintFinding(.error, "json-invalid", file: classesFile, "must be a list of class names")) }
        }
        let images = files(in: imageFolder, extensions: ImageFolder.imageExtensions)
        let masks = files(in: maskFolder, extensions: ["png"])
        let masksByStem = Dictionary(masks.map { (stem($0), $0) }, uniquingKeysWith: { first, _ in first })
        let imageStems = Set(images.map(stem))
        var surveys: [ImageSurvey] = [], imagesWithClass = [Int](repeating: 0, count: 256)

        for image in images {
            guard let maskPath = masksByStem[stem(image)] else {
                findings.append(LintFinding(.warning, "image-without-annotations", file: image, "no mask named \(stem(image)).png in \(maskFolder)"))
                continue
            }
            let survey = ImageSurvey.read(image, limits: options.limits)
            if case .failure(let failure) = survey { findings.append(LintFinding(.error, "image-unreadable", file: image, failure.problem)) }
            if case .success(let survey) = survey { surveys.append(survey) }
            let mask: SegmentationMask
            do {
                mask = try SegmentationMask.read(path: maskPath, limits: options.limits)
            } catch {
                findings.append(LintFinding(.error, "image-unreadable", file: maskPath, error.problem))
                continue
            }
            if case .success(let survey) = survey, survey.width != mask.width || survey.height != mask.height {
                findings.append(LintFinding(.error, "image-size-mismatch", file: maskPath,
                                            "mask is \(mask.width)×\(mask.height), its image \(survey.width)×\(survey.height)"))
            }
            let histogram = mask.histogram()
            if histogram[Int(SegmentationMask.ignoreIndex)] == mask.labels.count {
                findings.append(LintFinding(.error, "mask-empty", file: maskPath, "every pixel is 255 (ignore)"))
            }
            if let classNames {
                let outside = (0..<255).filter { $0 >= classNames.count && histogram[$0] > 0 }
                if !outside.isEmpty {
                    findings.append(LintFinding(.error, "mask-values-outside-classes", file: maskPath,
                                                "values \(outside.map(String.init).joined(separator: ", ")) are not among the \(classNames.count) classes of classes.json (nor 255)"))
                }
            }
            for value in 0..<255 where histogram[value] > 0 { imagesWithClass[value] += 1 }
        }
        for mask in masks where !imageStems.contains(stem(mask)) {
            findings.append(LintFinding(.error, "image-missing", file: mask, "no image named \(stem(mask)).* in \(imageFolder)"))
        }
        findings += ImageSurvey.duplicates(surveys, threshold: options.nearDuplicateThreshold)
        if let classNames {
            // Class 0 is background by convention; balance is about the object classes.
            let counts = classNames.enumerated().dropFirst().map { ($0.element, imagesWithClass[$0.offset]) }
            findings += ClassBalance.findings(counts, file: classesFile, unit: "images", options: options)
        }
        return findings
    }

    private static func files(in folder: String, extensions: Set<String>) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted(by: ImageFolder.pythonOrder)
            .map { (folder as NSString).appendingPathComponent($0) }
    }

    private static func stem(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}
