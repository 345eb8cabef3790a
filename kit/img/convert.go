package img

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// ToImage converts one image x: [H, W, C] (C = 1 or 3; [H, W] is C = 1) with
// values in [0, 1] to an *image.Gray (C = 1) or an opaque *image.RGBA (C = 3).
// Values are clipped to [0, 1] and rounded to 8 bits (v -> round(255 v));
// NaN becomes 0.
func ToImage(x []float32, h, w, c int) (image.Image, error) {
	if err := checkImage(len(x), h, w, c); err != nil {
		return nil, err
	}
	if c == 1 {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for i := 0; i < w; i++ {
				g.Pix[y*g.Stride+i] = to8(x[y*w+i])
			}
		}
		return g, nil
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for i := 0; i < w; i++ {
			o, src := y*m.Stride+4*i, 3*(y*w+i)
			m.Pix[o] = to8(x[src])
			m.Pix[o+1] = to8(x[src+1])
			m.Pix[o+2] = to8(x[src+2])
			m.Pix[o+3] = 255
		}
	}
	return m, nil
}

// FromImage converts an image to x: [H, W, C] float32 in [0, 1] (8-bit
// images give k/255 exactly). c chooses the channels: 1 (gray, Go's
// color.GrayModel luma for colour images), 3 (RGB, alpha dropped, colours
// un-premultiplied) or 0 (automatic: 1 for *image.Gray and *image.Gray16,
// otherwise 3). It returns x, H, W and the C used.
func FromImage(m image.Image, c int) (x []float32, h, w, cOut int, err error) {
	if m == nil {
		return nil, 0, 0, 0, fmt.Errorf("img: nil image")
	}
	if c == 0 {
		switch m.(type) {
		case *image.Gray, *image.Gray16:
			c = 1
		default:
			c = 3
		}
	}
	if c != 1 && c != 3 {
		return nil, 0, 0, 0, fmt.Errorf("img: FromImage channels must be 0, 1 or 3, got %d", c)
	}
	b := m.Bounds()
	h, w = b.Dy(), b.Dx()
	x = make([]float32, h*w*c)
	for y := 0; y < h; y++ {
		for i := 0; i < w; i++ {
			px := m.At(b.Min.X+i, b.Min.Y+y)
			o := (y*w + i) * c
			if c == 1 {
				g := color.Gray16Model.Convert(px).(color.Gray16)
				x[o] = float32(g.Y) / 65535
				continue
			}
			n := color.NRGBA64Model.Convert(px).(color.NRGBA64)
			x[o] = float32(n.R) / 65535
			x[o+1] = float32(n.G) / 65535
			x[o+2] = float32(n.B) / 65535
		}
	}
	return x, h, w, c, nil
}

// SignedToImage draws signed data x: [H, W] (e.g. a weight filter or a
// difference pred - ref) with a diverging colour map: -scale -> blue
// (0, 0, 255), 0 -> white, +scale -> red (255, 0, 0), linear in between and
// clipped beyond. scale <= 0 uses max |x| (1 if x is all zero). NaN is drawn
// black.
func SignedToImage(x []float32, h, w int, scale float32) (*image.RGBA, error) {
	if err := checkImage(len(x), h, w, 1); err != nil {
		return nil, err
	}
	if scale <= 0 {
		scale = maxAbs(x)
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for i := 0; i < w; i++ {
			c := Diverging(x[y*w+i] / scale)
			o := y*m.Stride + 4*i
			m.Pix[o], m.Pix[o+1], m.Pix[o+2], m.Pix[o+3] = c.R, c.G, c.B, c.A
		}
	}
	return m, nil
}

// Diverging maps t in [-1, 1] to blue (-1), white (0) and red (+1), linear
// in between; t is clipped to [-1, 1] and NaN maps to opaque black.
func Diverging(t float32) color.RGBA {
	if t != t { // NaN
		return color.RGBA{A: 255}
	}
	if t > 1 {
		t = 1
	} else if t < -1 {
		t = -1
	}
	if t >= 0 {
		v := to8(1 - t)
		return color.RGBA{R: 255, G: v, B: v, A: 255}
	}
	v := to8(1 + t)
	return color.RGBA{R: v, G: v, B: 255, A: 255}
}

// maxAbs is max |x| over finite values, or 1 if that is 0.
func maxAbs(x []float32) float32 {
	var m float32
	for _, v := range x {
		if a := float32(math.Abs(float64(v))); a > m && !math.IsInf(float64(a), 0) {
			m = a
		}
	}
	if m == 0 {
		return 1
	}
	return m
}

// to8 clips v to [0, 1] and rounds 255 v to a byte; NaN gives 0.
func to8(v float32) uint8 {
	if !(v > 0) { // also NaN
		return 0
	}
	if v >= 1 {
		return 255
	}
	return uint8(v*255 + 0.5)
}

func checkImage(n, h, w, c int) error {
	if h <= 0 || w <= 0 {
		return fmt.Errorf("img: image size %dx%d must be positive", h, w)
	}
	if c != 1 && c != 3 {
		return fmt.Errorf("img: channels must be 1 or 3, got %d", c)
	}
	if n != h*w*c {
		return fmt.Errorf("img: a [%d, %d, %d] image has %d values, the slice has %d", h, w, c, h*w*c, n)
	}
	return nil
}
