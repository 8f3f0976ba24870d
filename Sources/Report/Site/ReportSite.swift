import Datasets
import Foundation

/// A static report across iterations: an index (trends, the failure set's status matrix), a page per iteration
/// (headline, training curves, advisories, errors taken apart, the failure set with heat maps) and a page per case
/// (image with ground truth and predictions, heat maps of this and the previous iteration, history).
/// Everything is drawn by Cairo and written into a staging folder that replaces `--out` only when complete.
public struct ReportSite {
    public var title: String
    /// Oldest first.
    public var iterations: [IterationRecord]
    public var version: String
    /// Case images are drawn at most this many CSS pixels on their longer side (twice that in device pixels).
    public var imageSide = 320

    public init(title: String, iterations: [IterationRecord], version: String) {
        self.title = title; self.iterations = iterations; self.version = version
    }

    /// Writes the site and returns its index page.
    @discardableResult
    public func write(to out: URL, templates: ReportTemplates, progress: (String) -> Void = { _ in }) throws -> URL {
        guard !iterations.isEmpty else { throw ReportError("\(out.path): nothing to report (no iterations)") }
        let folder = try StagedFolder(destination: out)
        do {
            var writer = PageWriter(folder: folder, templates: templates, site: self)
            try folder.write(templates.stylesheet, to: "style.css")
            for (index, iteration) in iterations.enumerated() {
                progress("report: iteration \(iteration.name) (\(index + 1)/\(iterations.count))")
                try writer.iterationPage(index)
            }
            progress("report: \(writer.caseOrder.count) case pages")
            for id in writer.caseOrder { try writer.casePage(id) }
            try writer.indexPage()
            try folder.commit()
        } catch {
            folder.discard()
            throw error
        }
        return folder.destination.appendingPathComponent("index.html")
    }
}

/// Renders pages and their pictures into the staging folder; paths in pages are relative, so the site works from
/// `file://` and from any static host.
private struct PageWriter {
    let folder: StagedFolder
    let templates: ReportTemplates
    let site: ReportSite
    let generated: String
    /// Case ids in the order a reviewer meets them: latest iteration first.
    let caseOrder: [String]
    var imageCache: [String: Image] = [:]

    init(folder: StagedFolder, templates: ReportTemplates, site: ReportSite) {
        self.folder = folder; self.templates = templates; self.site = site
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        generated = formatter.string(from: Date()) + " UTC"
        var seen = Set<String>(), order = [String]()
        for iteration in site.iterations.reversed() { for c in iteration.cases where seen.insert(c.id).inserted { order.append(c.id) } }
        caseOrder = order
    }

    static func iterationPath(_ name: String) -> String { "iterations/\(SafeFileName.make(name)).html" }
    static func casePath(_ id: String) -> String { "cases/\(SafeFileName.make(id)).html" }

    // MARK: pages

    mutating func iterationPage(_ index: Int) throws {
        let iteration = site.iterations[index]
        let root = "../", slug = SafeFileName.make(iteration.name)
        var context = base(root: root, current: Self.iterationPath(iteration.name))
        context["name"] = iteration.name
        context["task"] = iteration.task
        context["source"] = iteration.source
        context["headline"] = iteration.headline.map { ["name": $0.name, "value": $0.formatted] }
        var advisories = iteration.advisories
        var hyperparameters = [[String: Any]]()
        if let run = iteration.runDirectory {
            let records = try RunRecords(directory: run)
            for line in records.advisories where !advisories.contains(line) { advisories.append(line) }
            hyperparameters = records.hyperparameters.map { ["key": $0.key, "value": $0.value] }
            let charts = try trainingCharts(records, slug: slug, root: root)
            if !charts.isEmpty { context["training"] = ["charts": charts] }
        }
        context["advisories"] = advisories
        context["hasAdvisories"] = !advisories.isEmpty
        context["hyperparameters"] = hyperparameters
        context["hasHyperparameters"] = !hyperparameters.isEmpty
        if let errors = iteration.errors {
            context["errors"] = [
                "explanation": errors.explanation,
                "charts": try errorCharts(errors, slug: slug, root: root),
                "header": errors.table.header,
                "rows": errors.table.rows.map { ["cells": $0] },
            ] as [String: Any]
        }
        let methods = orderedUnique((iteration.cases + (iteration.topErrors ?? [])).flatMap { $0.cams.map(\.method) })
        context["camMethods"] = methods
        context["hasCases"] = !iteration.cases.isEmpty
        context["cases"] = try iteration.cases.map { try caseRow($0, iteration: iteration, methods: methods, root: root, linked: true) }
        let top = iteration.topErrors ?? []
        context["hasTopErrors"] = !top.isEmpty
        context["topErrors"] = try top.map { try caseRow($0, iteration: iteration, methods: methods, root: root, linked: false) }
        try write(Self.iterationPath(iteration.name), template: "iteration", context)
    }

    /// A case's row on its iteration's page: its picture, status, error and a heat-map thumbnail per method. Only the
    /// failure set's cases have pages of their own to link to.
    mutating func caseRow(_ snapshot: CaseSnapshot, iteration: IterationRecord, methods: [String], root: String, linked: Bool) throws -> [String: Any] {
        let picture = try caseImage(snapshot, iteration: iteration, root: root)
        let cams = try methods.map { method -> [String: Any] in
            guard let cam = snapshot.cams.first(where: { $0.method == method }) else { return ["method": method, "caseId": snapshot.id] }
            var figure = try camImage(cam, caseId: snapshot.id, iteration: iteration.name, root: root)
            figure["method"] = method
            figure["caseId"] = snapshot.id
            return figure
        }
        var row: [String: Any] = ["id": snapshot.id, "thumb": picture, "status": snapshot.status, "statusClass": Self.statusClass(snapshot.status),
                                  "error": snapshot.error ?? "—", "detail": snapshot.detail, "cams": cams]
        if linked { row["href"] = root + Self.casePath(snapshot.id) }
        return row
    }

    mutating func casePage(_ id: String) throws {
        let root = "../"
        let appearances = site.iterations.compactMap { it in it.cases.first { $0.id == id }.map { (it, $0) } }
        guard let (latestIteration, latest) = appearances.last else { return }
        let previous = appearances.dropLast().last
        var context = base(root: root, current: nil)
        context["id"] = id
        context["status"] = latest.status
        context["statusClass"] = Self.statusClass(latest.status)
        context["description"] = latest.detail
        context["iteration"] = latestIteration.name
        context["image"] = try caseImage(latest, iteration: latestIteration, root: root)
        context["imageCaption"] = "\(latestIteration.name): " + (latest.boxes.isEmpty ? "input image" : "ground truth and predictions, coloured by error type")
        let roles = orderedUnique(latest.boxes.map(\.role))
        context["legend"] = roles.map { ["label": Self.roleName($0), "color": ErrorPalette.color(for: Self.boxRole($0)).hexString] }
        context["hasLegend"] = !roles.isEmpty
        context["previousIteration"] = previous?.0.name
        let methods = orderedUnique(latest.cams.map(\.method) + (previous?.1.cams.map(\.method) ?? []))
        context["hasCams"] = !methods.isEmpty
        context["cams"] = try methods.map { method -> [String: Any] in
            var row: [String: Any] = ["method": method]
            if let cam = latest.cams.first(where: { $0.method == method }) {
                row["current"] = try camImage(cam, caseId: id, iteration: latestIteration.name, root: root)
            }
            if let (it, snapshot) = previous, let cam = snapshot.cams.first(where: { $0.method == method }) {
                row["previous"] = try camImage(cam, caseId: id, iteration: it.name, root: root)
            }
            return row
        }
        context["history"] = site.iterations.map { it -> [String: Any] in
            let snapshot = it.cases.first { $0.id == id }
            let status = snapshot?.status ?? "absent"
            return ["iteration": it.name, "href": root + Self.iterationPath(it.name), "status": status,
                    "statusClass": Self.statusClass(status), "error": snapshot?.error ?? "—",
                    "confidence": snapshot.map { String(format: "%.3f", $0.confidence) } ?? "—",
                    "prediction": snapshot?.detail ?? "not in this iteration's failure set"]
        }
        try write(Self.casePath(id), template: "case", context)
    }

    mutating func indexPage() throws {
        let iterations = site.iterations
        var context = base(root: "", current: "index.html")
        let latest = iterations[iterations.count - 1]
        let metricNames = latest.headline.map(\.name)
        context["metricNames"] = metricNames
        context["summary"] = "\(iterations.count) iteration\(iterations.count == 1 ? "" : "s"), \(latest.task); "
            + "\(caseOrder.count) curated case\(caseOrder.count == 1 ? "" : "s"). Latest: \(latest.name)."
        context["iterations"] = iterations.map { it -> [String: Any] in
            let count = { (status: String) in it.cases.filter { $0.status == status }.count }
            return ["name": it.name, "href": Self.iterationPath(it.name), "task": it.task,
                    "values": metricNames.map { name in it.headline.first { $0.name == name }?.formatted ?? "—" },
                    "fixed": count("fixed"), "stillFailing": count("still failing") + count("failing"),
                    "newlyBroken": count("newly broken")]
        }
        var trends = [[String: Any]]()
        if iterations.count > 1 {
            let series = metricNames.compactMap { name -> LineChart.Series? in
                let points = iterations.enumerated().compactMap { i, it in
                    it.headline.first { $0.name == name && $0.format != "count" }.map { (x: Double(i + 1), y: $0.value) }
                }
                return points.count > 1 ? LineChart.Series(name: name, points: points) : nil
            }
            if !series.isEmpty {
                trends.append(try figure(LineChart(title: "Headline metrics per iteration", xLabel: "iteration", yLabel: "value",
                                                   series: series), path: "assets/trends.png", root: "", title: "Headline metrics per iteration"))
            }
        }
        let names = iterations.map(\.name)
        if !caseOrder.isEmpty {
            let statuses = caseOrder.map { id in iterations.map { it in it.cases.first { $0.id == id }?.status } }
            trends.append(try figure(StatusMatrixChart(cases: caseOrder, iterations: names, statuses: statuses),
                                     path: "assets/status-matrix.png", root: "", title: "Failure set: status per iteration"))
        }
        if !trends.isEmpty { context["trends"] = ["charts": trends] }
        context["hasCases"] = !caseOrder.isEmpty
        context["iterationNames"] = names
        context["caseRows"] = caseOrder.map { id -> [String: Any] in
            ["id": id, "href": Self.casePath(id), "cells": iterations.map { it -> [String: Any] in
                let status = it.cases.first { $0.id == id }?.status ?? "absent"
                return ["status": status, "statusClass": Self.statusClass(status)]
            }]
        }
        try write("index.html", template: "index", context)
    }

    // MARK: pictures

    private func trainingCharts(_ records: RunRecords, slug: String, root: String) throws -> [[String: Any]] {
        var charts = [[String: Any]]()
        let loss = [("train loss", "train_loss"), ("validation loss", "val_loss")].compactMap { name, column in
            let points = records.series(column)
            return points.isEmpty ? nil : LineChart.Series(name: name, points: points)
        }
        if !loss.isEmpty {
            charts.append(try figure(LineChart(title: "Loss", xLabel: "step", yLabel: "loss", series: loss, logY: true),
                                     path: "assets/\(slug)/loss.png", root: root, title: "Loss"))
        }
        // The task's validation metrics (all in [0, 1]): accuracy, AP50 and mAP, or mean IoU.
        let metrics = ["val_acc", "val_ap50", "val_map", "val_miou"].compactMap { column in
            let points = records.series(column)
            return points.isEmpty ? nil : LineChart.Series(name: column, points: points)
        }
        if !metrics.isEmpty {
            charts.append(try figure(LineChart(title: "Validation metrics", xLabel: "step", yLabel: "value", series: metrics),
                                     path: "assets/\(slug)/validation.png", root: root, title: "Validation metrics"))
        }
        let lr = records.series("lr")
        if !lr.isEmpty {
            charts.append(try figure(LineChart(title: "Learning rate", xLabel: "step", yLabel: "lr", series: [.init(name: "lr", points: lr)]),
                                     path: "assets/\(slug)/lr.png", root: root, title: "Learning rate"))
        }
        if let strip = records.gradientNorms() {
            charts.append(try figure(GradientNormStrip(layers: strip.layers, steps: strip.steps, norms: strip.norms),
                                     path: "assets/\(slug)/gradient-norms.png", root: root, title: "Gradient norm per layer (before clipping)"))
        }
        return charts
    }

    private func errorCharts(_ errors: ErrorBreakdown, slug: String, root: String) throws -> [[String: Any]] {
        var charts = [[String: Any]]()
        if !errors.bars.isEmpty {
            charts.append(try figure(BarChart(title: errors.barsTitle, bars: errors.bars.map { ($0.name, $0.value) }),
                                     path: "assets/\(slug)/error-bars.png", root: root, title: errors.barsTitle))
        }
        if !errors.precisionRecall.isEmpty {
            charts.append(try figure(PrecisionRecallChart(curves: errors.precisionRecall.map { ($0.name, $0.precision) }),
                                     path: "assets/\(slug)/precision-recall.png", root: root, title: "Precision–recall at IoU 0.5"))
        }
        if let confusion = errors.confusion {
            charts.append(try figure(ConfusionMatrixChart(labels: confusion.labels, counts: confusion.counts),
                                     path: "assets/\(slug)/confusion.png", root: root, title: "Confusion (rows: truth, columns: prediction)"))
        }
        return charts
    }

    /// The case's image with its boxes, drawn once per iteration.
    private mutating func caseImage(_ snapshot: CaseSnapshot, iteration: IterationRecord, root: String) throws -> [String: Any] {
        let path = "assets/cases/\(SafeFileName.make(snapshot.id))/\(SafeFileName.make(iteration.name)).png"
        let boxes = snapshot.boxes.map { LabelledBox(box: $0.box, label: $0.label, role: Self.boxRole($0.role)) }
        var image = try sourceImage(snapshot)
        if let maskPath = snapshot.mask {
            image = try Self.withMask(image, maskPath: maskPath, classNames: iteration.classNames ?? [])
        }
        let drawing = AnnotatedImage(image: image, boxes: boxes, maxSide: site.imageSide, minSide: site.imageSide)
        return try figure(drawing, path: path, root: root, title: snapshot.id)
    }

    private func camImage(_ cam: CaseSnapshot.CAM, caseId: String, iteration: String, root: String) throws -> [String: Any] {
        let path = "assets/cases/\(SafeFileName.make(caseId))/\(SafeFileName.make(iteration))-\(SafeFileName.make(cam.method)).png"
        guard let data = FileManager.default.contents(atPath: cam.overlay) else {
            throw ReportError("\(cam.overlay): heat map overlay missing (case \(caseId), \(cam.method))")
        }
        let image: Image
        do { image = try ImageCodecs.decode(data, file: cam.overlay) } catch { throw ReportError("\(error)") }
        if !FileManager.default.fileExists(atPath: try folder.url(for: path).path) { try folder.write(data, to: path) }
        let scale = min(1, Double(site.imageSide) / Double(max(image.width, image.height, 1)))
        let side = max(image.width, image.height)
        // Small maps (a 64-pixel fixture) are shown at least 160 pixels wide, pixelated rather than blurred.
        let display = side < 160 ? 160.0 / Double(side) : scale
        return ["src": root + path, "width": Int((Double(image.width) * display).rounded()),
                "height": Int((Double(image.height) * display).rounded()), "title": cam.method]
    }

    private mutating func sourceImage(_ snapshot: CaseSnapshot) throws -> Image {
        if let path = snapshot.image {
            if let cached = imageCache[path] { return cached }
            if let image = try? ImageCodecs.read(path: path) {
                imageCache[path] = image
                return image
            }
        }
        // No image file (a report from prediction files alone): a neutral canvas of the annotated size.
        let w = max(snapshot.imageWidth, 1), h = max(snapshot.imageHeight, 1)
        return Image(width: w, height: h, layout: .gray, pixels: [UInt8](repeating: 232, count: w * h))
    }

    /// The image with a predicted class-index mask blended in, as pixels (boxes are drawn over it afterwards).
    static func withMask(_ image: Image, maskPath: String, classNames: [String]) throws -> Image {
        let mask: SegmentationMask
        do { mask = try SegmentationMask.read(path: maskPath) } catch { throw ReportError("\(maskPath): \(error)") }
        guard mask.width == image.width, mask.height == image.height else {
            throw ReportError("\(maskPath): \(mask.width)×\(mask.height) mask for a \(image.width)×\(image.height) image")
        }
        let overlay = MaskOverlay(image: image, mask: mask.labels, classNames: classNames, showsLegend: false)
        return Image(width: image.width, height: image.height, layout: .rgb,
                     pixels: overlay.blendedPixels(width: image.width, height: image.height))
    }

    private func figure(_ drawing: some Drawing, path: String, root: String, title: String) throws -> [String: Any] {
        let png: Data
        do { png = try drawing.png(scale: 2) } catch { throw ReportError("\(path): cannot draw (\(error))") }
        try folder.write(png, to: path)
        return ["src": root + path, "width": drawing.size.width, "height": drawing.size.height,
                "title": title]
    }

    // MARK: helpers

    private func base(root: String, current: String?) -> [String: Any] {
        var nav: [[String: Any]] = [["label": "Overview", "href": "index.html", "current": current == "index.html"]]
        for it in site.iterations {
            let href = Self.iterationPath(it.name)
            nav.append(["label": it.name, "href": href, "current": current == href])
        }
        return ["root": root, "nav": nav, "generated": generated, "version": site.version, "title": site.title]
    }

    private func write(_ path: String, template: String, _ context: [String: Any]) throws {
        try folder.write(Data(try templates.render(template, context).utf8), to: path)
    }

    static func statusClass(_ status: String) -> String { status.replacingOccurrences(of: " ", with: "-") }

    static func boxRole(_ role: String) -> BoxRole {
        switch role {
        case "gt": .groundTruth
        case "tp": .truePositive
        default: .error(role)
        }
    }

    static func roleName(_ role: String) -> String {
        switch role {
        case "gt": "ground truth"
        case "tp": "correct detection"
        case "Cls": "Cls: right place, wrong class"
        case "Loc": "Loc: right class, poorly localised"
        case "Both": "Both: wrong class and poorly localised"
        case "Dupe": "Dupe: duplicate of a correct detection"
        case "Bkg": "Bkg: detection on background"
        case "Miss": "Miss: object not detected"
        default: role
        }
    }
}

private func orderedUnique(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { seen.insert($0).inserted }
}

extension RGBColor {
    /// `#rrggbb`, for legends drawn in HTML.
    var hexString: String {
        func byte(_ v: Double) -> String { String(format: "%02x", Int((min(max(v, 0), 1) * 255).rounded())) }
        return "#" + byte(r) + byte(g) + byte(b)
    }
}
