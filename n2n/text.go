package n2n

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Text overlays random strings, at random positions, sizes and colours,
// until a fraction p of the pixels is covered. It is the paper's "text
// removal" corruption: p is drawn per image uniformly from
// [0, 0.5] for training. Within one image the corruption is not zero-mean
// (text colours bias the mean), but a pixel covered in fewer than half of
// the realisations keeps its clean value as the median: the paper trains
// it with the L1 loss.
//
// Glyphs are drawn with the Go Regular font (golang.org/x/image/font/gofont)
// and thresholded at half coverage, so the overlay has hard edges and Mask
// is exact. Each string is 1 to 10 random letters and digits; a colour has
// every channel uniform on [0, 1]. Coverage overshoots p by at most the area
// of the last string drawn.
type Text struct {
	P       float64 // fixed coverage target (used when PMax == 0), in [0, 0.95]
	PMax    float64 // when > 0, p ~ U[0, PMax] per image, PMax <= 0.95
	MinSize int     // smallest font size (pixels per em); 0: max(8, min(H, W)/10)
	MaxSize int     // largest font size; 0: max(MinSize, min(H, W)/4)
}

// BlindText is the paper's training corruption, p ~ U[0, 0.5] per image.
func BlindText() Text { return Text{PMax: 0.5} }

// Validate reports whether the parameters are usable.
func (t Text) Validate() error {
	if !(t.P >= 0 && t.P <= 0.95) || !(t.PMax >= 0 && t.PMax <= 0.95) {
		return fmt.Errorf("n2n: Text: P (%g) and PMax (%g) must be in [0, 0.95]", t.P, t.PMax)
	}
	if t.MinSize < 0 || t.MaxSize < 0 || (t.MaxSize > 0 && t.MaxSize < t.MinSize) {
		return fmt.Errorf("n2n: Text: need 0 <= MinSize <= MaxSize, got %d, %d", t.MinSize, t.MaxSize)
	}
	return nil
}

var (
	goFontOnce sync.Once
	goFont     *opentype.Font
	goFontErr  error
)

func parsedGoFont() (*opentype.Font, error) {
	goFontOnce.Do(func() { goFont, goFontErr = opentype.Parse(goregular.TTF) })
	return goFont, goFontErr
}

const textAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// maxTextStrings bounds the number of strings drawn on one image.
const maxTextStrings = 100_000

// Apply overlays text: src, dst: [H, W, C]. Param is the requested p,
// Coverage the measured fraction of covered pixels (>= p) and Mask: [H, W]
// the covered pixels.
func (t Text) Apply(dst, src []float32, h, w, c int, rng *rand.Rand) (Corruption, error) {
	if err := t.Validate(); err != nil {
		return Corruption{}, err
	}
	if err := checkImage(dst, src, h, w, c); err != nil {
		return Corruption{}, err
	}
	if err := checkRNG(rng); err != nil {
		return Corruption{}, err
	}
	f, err := parsedGoFont()
	if err != nil {
		return Corruption{}, fmt.Errorf("n2n: Text: parsing the Go font: %w", err)
	}
	p := t.P
	if t.PMax > 0 {
		p = t.PMax * rng.Float64()
	}
	minSize, maxSize := t.MinSize, t.MaxSize
	if minSize == 0 {
		minSize = max(8, min(h, w)/10)
	}
	if maxSize == 0 {
		maxSize = max(minSize, min(h, w)/4)
	}
	copy(dst, src)
	mask := make([]bool, h*w)
	covered, target := 0, int(math.Ceil(p*float64(h*w)))
	alpha := image.NewAlpha(image.Rect(0, 0, w, h))
	faces := map[int]font.Face{}
	defer func() {
		for _, fc := range faces {
			fc.Close()
		}
	}()
	colour := make([]float32, c)
	buf := make([]byte, 10)
	for n := 0; covered < target; n++ {
		if n == maxTextStrings {
			return Corruption{}, fmt.Errorf("n2n: Text: coverage %d/%d after %d strings", covered, h*w, n)
		}
		size := minSize + rng.IntN(maxSize-minSize+1)
		face, ok := faces[size]
		if !ok {
			face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingNone})
			if err != nil {
				return Corruption{}, fmt.Errorf("n2n: Text: font face of size %d: %w", size, err)
			}
			faces[size] = face
		}
		s := buf[:1+rng.IntN(len(buf))]
		for i := range s {
			s[i] = textAlphabet[rng.IntN(len(textAlphabet))]
		}
		for k := range colour {
			colour[k] = rng.Float32()
		}
		// The dot (left end of the baseline) ranges so that a string can be
		// cut by any border.
		x0 := rng.IntN(w+size) - size
		y0 := rng.IntN(h+size) + size/4
		clear(alpha.Pix)
		d := font.Drawer{Dst: alpha, Src: image.Opaque, Face: face, Dot: fixed.P(x0, y0)}
		d.DrawString(string(s))
		for i, a := range alpha.Pix {
			if a < 128 {
				continue
			}
			if !mask[i] {
				mask[i] = true
				covered++
			}
			copy(dst[i*c:(i+1)*c], colour)
		}
	}
	return Corruption{Param: p, Coverage: float64(covered) / float64(h*w), Mask: mask}, nil
}
