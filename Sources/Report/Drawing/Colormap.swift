import Foundation

/// Colour maps for heat maps. `rgb(_:)` samples the continuous map (for colour scales); `overlay` uses OpenCV's
/// 256-entry tables (ColormapTables.swift), as pytorch-grad-cam does through cv2.applyColorMap.
public enum Colormap: String, CaseIterable, Sendable {
    case jet, turbo, viridis

    public func rgb(_ v: Float) -> (Float, Float, Float) {
        let x = min(max(v, 0), 1)
        switch self {
        case .jet:  // MATLAB's jet, which OpenCV's COLORMAP_JET (pytorch-grad-cam's default) follows
            func band(_ c: Float) -> Float { min(max(1.5 - abs(4 * x - c), 0), 1) }
            return (band(3), band(2), band(1))
        case .turbo:  // Google's polynomial approximation of Turbo
            let r = 0.13572138 + x * (4.61539260 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))))
            let g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))))
            let b = 0.10667330 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))))
            return (min(max(r, 0), 1), min(max(g, 0), 1), min(max(b, 0), 1))
        case .viridis:  // polynomial fit of matplotlib's viridis
            let r = 0.2777273272 + x * (0.1050930431 + x * (-0.3308618287 + x * (-4.634230499 + x * (6.228269936 + x * (4.776384997 - x * 5.435455856)))))
            let g = 0.005407344545 + x * (1.404613529 + x * (0.214847559 + x * (-5.799100973 + x * (14.17993337 + x * (-13.74514538 + x * 4.645852612)))))
            let b = 0.3340998053 + x * (1.384590162 + x * (0.09509516303 + x * (-19.33244096 + x * (56.69055260 + x * (-65.35303263 + x * 26.31243525)))))
            return (min(max(r, 0), 1), min(max(g, 0), 1), min(max(b, 0), 1))
        }
    }

    /// pytorch-grad-cam's show_cam_on_image: (1 − imageWeight)·colour(map) + imageWeight·image, divided by its
    /// maximum, as 8-bit RGB. `image` is [H, W, 3] in [0, 1], `map` [H, W] in [0, 1]. Matches it exactly
    /// (fixtures/report/show_cam_on_image.json).
    public func overlay(image: [Float], map: [Float], imageWeight: Float = 0.5) -> [UInt8] {
        precondition(image.count == 3 * map.count, "overlay of \(image.count / 3) pixels with a map of \(map.count)")
        var out = [Float](repeating: 0, count: image.count)
        let table = opencvTable
        for p in 0..<map.count {
            // np.uint8(255 * mask): the map is quantised (truncated) to 8 bits before the table lookup.
            let level = 3 * Int(UInt8(255 * min(max(map[p], 0), 1)))
            for c in 0..<3 {
                let color = Float(table[level + c]) / 255
                out[3 * p + c] = (1 - imageWeight) * color + imageWeight * image[3 * p + c]
            }
        }
        let top = max(out.max() ?? 1, 1e-12)
        return out.map { UInt8(255 * $0 / top) }
    }
}
