package sdae

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Labels of the shape problems.
const (
	LabelWide   = 0 // rect: width > height
	LabelTall   = 1 // rect: height > width
	LabelConvex = 1 // convex: the white region is convex
	LabelNot    = 0 // convex: the white region is not convex
)

// RectSizes sets the rectangle sizes of Rect and RectImg. Following Larochelle
// et al., height and width are uniform integers in [MinSide, MaxSide] with
// pairs whose difference is below MinDiff rejected, and the top-left corner is
// uniform among the positions where the rectangle fits. Zero fields take
// the defaults MinSide 3, MaxSide 28, MinDiff 3.
type RectSizes struct {
	MinSide, MaxSide, MinDiff int
}

// resolve fills defaults and validates.
func (s RectSizes) resolve() (RectSizes, error) {
	if s.MinSide == 0 {
		s.MinSide = 3
	}
	if s.MaxSide == 0 {
		s.MaxSide = Side
	}
	if s.MinDiff == 0 {
		s.MinDiff = 3
	}
	if s.MinSide < 1 || s.MaxSide > Side || s.MinDiff < 1 || s.MaxSide-s.MinSide < s.MinDiff {
		return s, fmt.Errorf("sdae: RectSizes %+v: want 1 <= MinSide, MaxSide <= 28, MinDiff >= 1, MaxSide - MinSide >= MinDiff", s)
	}
	return s, nil
}

// draw returns a label (fair coin: tall or wide) and a rectangle with that
// orientation: rows [y0, y0+h), columns [x0, x0+w). Drawing the pair (a, b)
// and then ordering it by the label has the same distribution as drawing
// (h, w) directly, by symmetry, with exactly balanced classes in expectation.
func (s RectSizes) draw(rng *rand.Rand) (label, y0, x0, h, w int) {
	span := s.MaxSide - s.MinSide + 1
	a, b := 0, 0
	for {
		a, b = s.MinSide+rng.IntN(span), s.MinSide+rng.IntN(span)
		if a-b >= s.MinDiff || b-a >= s.MinDiff {
			break
		}
	}
	big, small := max(a, b), min(a, b)
	label = rng.IntN(2)
	if label == LabelTall {
		h, w = big, small
	} else {
		h, w = small, big
	}
	y0, x0 = rng.IntN(Side-h+1), rng.IntN(Side-w+1)
	return label, y0, x0, h, w
}

// Rect generates the rectangles problem: the one-pixel white outline (value
// 1) of a rectangle on black (0), label LabelTall (1) when its height exceeds
// its width and LabelWide (0) otherwise.
type Rect struct {
	Sizes RectSizes // zero value: Larochelle-like defaults
}

// Generate returns n rectangle images [n, 28, 28] float32 in {0, 1} and labels
// [n] in {0, 1}, deterministic for a seed.
func (c Rect) Generate(n int, seed uint64) (images []float32, labels []int, err error) {
	sizes, err := c.Sizes.resolve()
	if err != nil {
		return nil, nil, err
	}
	if err := checkN(n); err != nil {
		return nil, nil, err
	}
	images = make([]float32, n*pixels)
	labels = make([]int, n)
	for i := range n {
		label, y0, x0, h, w := sizes.draw(imageRNG(seed, i))
		img := images[i*pixels : (i+1)*pixels]
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				if y == y0 || y == y0+h-1 || x == x0 || x == x0+w-1 {
					img[y*Side+x] = 1
				}
			}
		}
		labels[i] = label
	}
	return images, labels, nil
}

// RectImg generates rectangles-image: the rectangle (border and inside) is
// filled with one photo patch and the rest of the image with another patch
// drawn independently from the same source; label as Rect.
type RectImg struct {
	Sizes   RectSizes   // zero value: defaults
	Patches PatchSource // photo patches, [784] each
}

// Generate returns n images [n, 28, 28] float32 and labels [n] in {0, 1},
// deterministic for a seed when Patches is.
func (c RectImg) Generate(n int, seed uint64) (images []float32, labels []int, err error) {
	sizes, err := c.Sizes.resolve()
	if err != nil {
		return nil, nil, err
	}
	if err := checkN(n); err != nil {
		return nil, nil, err
	}
	if c.Patches == nil {
		return nil, nil, fmt.Errorf("sdae.RectImg: nil Patches source")
	}
	images = make([]float32, n*pixels)
	labels = make([]int, n)
	for i := range n {
		rng := imageRNG(seed, i)
		label, y0, x0, h, w := sizes.draw(rng)
		fg, err := c.Patches(rng)
		if err != nil {
			return nil, nil, fmt.Errorf("sdae.RectImg: image %d: %w", i, err)
		}
		fg = append([]float32(nil), fg...) // the source may reuse its buffer
		bg, err := c.Patches(rng)
		if err != nil {
			return nil, nil, fmt.Errorf("sdae.RectImg: image %d: %w", i, err)
		}
		if len(fg) != pixels || len(bg) != pixels {
			return nil, nil, fmt.Errorf("sdae.RectImg: patch source returned %d and %d values, want 784", len(fg), len(bg))
		}
		img := images[i*pixels : (i+1)*pixels]
		copy(img, bg)
		for y := y0; y < y0+h; y++ {
			copy(img[y*Side+x0:y*Side+x0+w], fg[y*Side+x0:y*Side+x0+w])
		}
		labels[i] = label
	}
	return images, labels, nil
}

// Convex generates the convex problem: a white region (1) on black (0), label
// LabelConvex (1) or LabelNot (0) by a fair coin.
//
// Following Larochelle et al.: a convex candidate is the intersection of a
// geometric(P) number (>= 1) of half-planes, each bounded by a line through a
// point uniform in the image with a uniform orientation; it is kept if it has
// at least MinPixels pixels. A non-convex candidate is the union of 2 to 4
// (uniform) such sets, each drawn with NonConvexP and at least MinPiecePixels
// pixels, kept if it is not convex.
//
// Discretisation: a pixel (y, x) is white when its centre (x + 1/2, y + 1/2)
// satisfies every half-plane, so a convex candidate is digitally convex: its
// pixels are exactly the pixel centres inside the convex hull of its pixel
// centres. A non-convex candidate is kept only when some pixel centre inside
// that hull is black and lies at least MinDepth pixels from the hull's
// boundary (ConvexityDefect), so that its non-convexity is visible rather
// than an artefact of the pixel grid.
type Convex struct {
	P              float64 // geometric parameter of the convex sets' half-plane count; 0 means 0.195
	NonConvexP     float64 // same for the pieces of non-convex sets; 0 means 0.07
	MinPixels      int     // minimum size of a convex image; 0 means 19
	MinPiecePixels int     // minimum size of each piece of a non-convex image; 0 means 10
	MinDepth       float64 // minimum depth of a non-convex image's defect, in pixels; 0 means 1
}

// resolve fills defaults and validates.
func (c Convex) resolve() (Convex, error) {
	if c.P == 0 {
		c.P = 0.195
	}
	if c.NonConvexP == 0 {
		c.NonConvexP = 0.07
	}
	if c.MinPixels == 0 {
		c.MinPixels = 19
	}
	if c.MinPiecePixels == 0 {
		c.MinPiecePixels = 10
	}
	if c.MinDepth == 0 {
		c.MinDepth = 1
	}
	if !(c.P > 0 && c.P <= 1) || !(c.NonConvexP > 0 && c.NonConvexP <= 1) ||
		c.MinPixels < 1 || c.MinPixels > pixels || c.MinPiecePixels < 1 || c.MinPiecePixels > pixels ||
		!(c.MinDepth > 0) || c.MinDepth > Side/2 {
		return c, fmt.Errorf("sdae: Convex %+v: want P, NonConvexP in (0, 1], MinPixels, MinPiecePixels in [1, 784], MinDepth in (0, 14]", c)
	}
	return c, nil
}

// maxCandidates bounds the rejection sampling of one image.
const maxCandidates = 100000

// Generate returns n images [n, 28, 28] float32 in {0, 1} and labels [n] in
// {0, 1}, deterministic for a seed.
func (c Convex) Generate(n int, seed uint64) (images []float32, labels []int, err error) {
	cfg, err := c.resolve()
	if err != nil {
		return nil, nil, err
	}
	if err := checkN(n); err != nil {
		return nil, nil, err
	}
	images = make([]float32, n*pixels)
	labels = make([]int, n)
	piece := make([]bool, pixels)
	for i := range n {
		rng := imageRNG(seed, i)
		img := images[i*pixels : (i+1)*pixels]
		label := rng.IntN(2)
		ok := false
		for range maxCandidates {
			clear(img)
			if label == LabelConvex {
				if convexSet(piece, cfg.P, rng) < cfg.MinPixels {
					continue
				}
				setWhite(img, piece)
				ok = true
				break
			}
			pieces, small := 2+rng.IntN(3), false
			for range pieces {
				if convexSet(piece, cfg.NonConvexP, rng) < cfg.MinPiecePixels {
					small = true
					break
				}
				setWhite(img, piece)
			}
			if small {
				continue
			}
			if _, depth := ConvexityDefect(img, 0.5); depth >= cfg.MinDepth {
				ok = true
				break
			}
		}
		if !ok {
			return nil, nil, fmt.Errorf("sdae.Convex: image %d: no acceptable candidate in %d draws (settings %+v)", i, maxCandidates, cfg)
		}
		labels[i] = label
	}
	return images, labels, nil
}

// setWhite sets img to 1 where mask is true.
func setWhite(img []float32, mask []bool) {
	for j, m := range mask {
		if m {
			img[j] = 1
		}
	}
}

// convexSet fills mask ([784]) with the intersection of a geometric(p) number
// (>= 1) of random half-planes sampled at pixel centres, and returns its
// number of pixels.
func convexSet(mask []bool, p float64, rng *rand.Rand) int {
	for j := range mask {
		mask[j] = true
	}
	for {
		px, py := Side*rng.Float64(), Side*rng.Float64()
		phi := 2 * math.Pi * rng.Float64()
		ux, uy := math.Cos(phi), math.Sin(phi)
		for y := range Side {
			for x := range Side {
				if (float64(x)+0.5-px)*ux+(float64(y)+0.5-py)*uy < 0 {
					mask[y*Side+x] = false
				}
			}
		}
		if rng.Float64() < p {
			break
		}
	}
	count := 0
	for _, m := range mask {
		if m {
			count++
		}
	}
	return count
}

// ConvexityDefect measures how far the white region of a 28 x 28 image
// (pixels > threshold; img: [784]) is from being digitally convex. With H the
// convex hull of the white pixels' centres, it returns the number of black
// pixels whose centres lie in H (0 iff the region is digitally convex) and the
// largest distance, in pixels, from such a black centre to the boundary of H
// (0 when there is none). An image with no white pixel has no defect.
func ConvexityDefect(img []float32, threshold float32) (missing int, depth float64) {
	if len(img) != pixels {
		return 0, 0
	}
	var pts [][2]int
	for y := range Side {
		for x := range Side {
			if img[y*Side+x] > threshold {
				pts = append(pts, [2]int{x, y})
			}
		}
	}
	hull := convexHull(pts)
	for y := range Side {
		for x := range Side {
			if img[y*Side+x] > threshold {
				continue
			}
			if d, in := insideHull(hull, x, y); in {
				missing++
				depth = max(depth, d)
			}
		}
	}
	return missing, depth
}

// cross returns (a - o) x (b - o), > 0 for a left turn.
func cross(o, a, b [2]int) int {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

// convexHull returns the vertices of the convex hull of pts, counter-clockwise
// (in x-right, y-up orientation of the cross product), without collinear
// points (Andrew's monotone chain). pts is in row-major scan order, i.e.
// sorted by (y, x); the chain sorts by that order.
func convexHull(pts [][2]int) [][2]int {
	if len(pts) <= 2 {
		return append([][2]int(nil), pts...)
	}
	// pts come sorted by (y, x), a valid monotone-chain order.
	hull := make([][2]int, 0, 2*len(pts))
	for _, p := range pts {
		for len(hull) >= 2 && cross(hull[len(hull)-2], hull[len(hull)-1], p) <= 0 {
			hull = hull[:len(hull)-1]
		}
		hull = append(hull, p)
	}
	lower := len(hull) + 1
	for i := len(pts) - 2; i >= 0; i-- {
		p := pts[i]
		for len(hull) >= lower && cross(hull[len(hull)-2], hull[len(hull)-1], p) <= 0 {
			hull = hull[:len(hull)-1]
		}
		hull = append(hull, p)
	}
	return hull[:len(hull)-1]
}

// insideHull reports whether the lattice point (x, y) lies in the hull
// (boundary included, exactly, in integers) and its distance to the hull's
// boundary.
func insideHull(hull [][2]int, x, y int) (float64, bool) {
	p := [2]int{x, y}
	switch len(hull) {
	case 0:
		return 0, false
	case 1:
		return 0, hull[0] == p
	case 2:
		a, b := hull[0], hull[1]
		on := cross(a, b, p) == 0 && min(a[0], b[0]) <= x && x <= max(a[0], b[0]) && min(a[1], b[1]) <= y && y <= max(a[1], b[1])
		return 0, on
	}
	depth := math.Inf(1)
	for i := range hull {
		a, b := hull[i], hull[(i+1)%len(hull)]
		c := cross(a, b, p)
		if c < 0 {
			return 0, false
		}
		depth = min(depth, float64(c)/math.Hypot(float64(b[0]-a[0]), float64(b[1]-a[1])))
	}
	return depth, true
}
