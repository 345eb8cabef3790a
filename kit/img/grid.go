package img

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

// TileMode says how the values of a tile become pixels in a [Grid].
type TileMode int

const (
	// Clip draws values in [0, 1] as they are (clipped), gray for C = 1 and
	// RGB for C = 3. It is the default.
	Clip TileMode = iota
	// Normalize stretches each tile from its own [min, max] to [0, 1], as
	// learned filters are usually shown (a constant tile becomes mid-gray).
	Normalize
	// Signed draws C = 1 tiles with the blue-white-red map of [Diverging],
	// each tile scaled by its own max |x| (or by GridOptions.SignedScale).
	Signed
)

// GridOptions sets the layout of a [Grid]. The zero value is valid: no
// padding, no upscaling, clipped values.
type GridOptions struct {
	// Pad is the number of pixels (after upscaling) between tiles and around
	// the grid.
	Pad int
	// Scale is the nearest-neighbour upscaling factor of every tile (0 or 1:
	// none). Scale 3 makes a 28x28 digit 84x84.
	Scale int
	// PadColor is the colour of the padding and of empty cells; nil is white.
	PadColor color.Color
	// Mode maps tile values to pixels; the default is [Clip].
	Mode TileMode
	// SignedScale, if > 0, is the common scale of [Signed] tiles (value
	// +-SignedScale is full red/blue); otherwise each tile uses its max |x|.
	SignedScale float32
}

// GridGeometry gives where tile (r, c) of a grid lies: its top-left pixel
// is (X0 + c*StepX, Y0 + r*StepY) and it is TileW x TileH pixels. Width and
// Height are the size of the whole image.
type GridGeometry struct {
	X0, Y0, StepX, StepY, TileW, TileH, Width, Height int
}

// Geometry returns the layout of a rows x cols grid of h x w tiles.
func (o GridOptions) Geometry(h, w, rows, cols int) GridGeometry {
	s := max(o.Scale, 1)
	tw, th := w*s, h*s
	return GridGeometry{
		X0: o.Pad, Y0: o.Pad, StepX: tw + o.Pad, StepY: th + o.Pad, TileW: tw, TileH: th,
		Width: cols*tw + (cols+1)*o.Pad, Height: rows*th + (rows+1)*o.Pad,
	}
}

// Grid tiles a batch of images x: [N, H, W, C] (C = 1 or 3, described by s)
// into a rows x cols RGBA image, row by row: image n goes to row n / cols,
// column n % cols. If rows or cols is 0 it is derived from the other (both
// 0: cols = ceil(sqrt(N))). Cells beyond N are left in PadColor; an error is
// returned if rows*cols < N.
func Grid(x []float32, s Shape, rows, cols int, o GridOptions) (*image.RGBA, error) {
	if err := s.Check(len(x)); err != nil {
		return nil, err
	}
	if s.C != 1 && s.C != 3 {
		return nil, fmt.Errorf("img: Grid needs C = 1 or 3, got shape %s", s)
	}
	if o.Mode == Signed && s.C != 1 {
		return nil, fmt.Errorf("img: Grid Mode Signed needs C = 1, got shape %s", s)
	}
	if o.Pad < 0 || o.Scale < 0 {
		return nil, fmt.Errorf("img: GridOptions Pad = %d and Scale = %d must be >= 0", o.Pad, o.Scale)
	}
	if rows < 0 || cols < 0 {
		return nil, fmt.Errorf("img: Grid rows = %d and cols = %d must be >= 0", rows, cols)
	}
	switch {
	case rows == 0 && cols == 0:
		cols = int(math.Ceil(math.Sqrt(float64(s.N))))
		rows = (s.N + cols - 1) / cols
	case rows == 0:
		rows = (s.N + cols - 1) / cols
	case cols == 0:
		cols = (s.N + rows - 1) / rows
	}
	if rows*cols < s.N {
		return nil, fmt.Errorf("img: a %dx%d grid has room for %d images, got N = %d", rows, cols, rows*cols, s.N)
	}
	g := o.Geometry(s.H, s.W, rows, cols)
	m := image.NewRGBA(image.Rect(0, 0, g.Width, g.Height))
	pc := color.RGBA{255, 255, 255, 255}
	if o.PadColor != nil {
		pc = color.RGBAModel.Convert(o.PadColor).(color.RGBA)
	}
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = pc.R, pc.G, pc.B, pc.A
	}
	sc := max(o.Scale, 1)
	k := s.ImageSize()
	for n := 0; n < s.N; n++ {
		tile := x[n*k : (n+1)*k]
		px := tilePixels(tile, s.C, o)
		x0, y0 := g.X0+(n%cols)*g.StepX, g.Y0+(n/cols)*g.StepY
		for y := 0; y < g.TileH; y++ {
			for i := 0; i < g.TileW; i++ {
				c := px[(y/sc)*s.W+i/sc]
				off := m.PixOffset(x0+i, y0+y)
				m.Pix[off], m.Pix[off+1], m.Pix[off+2], m.Pix[off+3] = c.R, c.G, c.B, 255
			}
		}
	}
	return m, nil
}

// GridImages is [Grid] for a list of images, each images[i]: [H, W, C].
func GridImages(images [][]float32, h, w, c, rows, cols int, o GridOptions) (*image.RGBA, error) {
	if len(images) == 0 {
		return nil, fmt.Errorf("img: GridImages needs at least one image")
	}
	k := h * w * c
	flat := make([]float32, 0, k*len(images))
	for i, im := range images {
		if err := checkImage(len(im), h, w, c); err != nil {
			return nil, fmt.Errorf("image %d: %w", i, err)
		}
		flat = append(flat, im...)
	}
	return Grid(flat, Shape{N: len(images), H: h, W: w, C: c}, rows, cols, o)
}

// tilePixels maps one tile [H, W, C] to its H*W colours.
func tilePixels(tile []float32, c int, o GridOptions) []color.RGBA {
	n := len(tile) / c
	out := make([]color.RGBA, n)
	switch o.Mode {
	case Signed:
		scale := o.SignedScale
		if scale <= 0 {
			scale = maxAbs(tile)
		}
		for i, v := range tile {
			out[i] = Diverging(v / scale)
		}
		return out
	case Normalize:
		lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
		for _, v := range tile {
			if v == v {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		norm := func(v float32) float32 {
			if !(hi > lo) {
				return 0.5
			}
			return (v - lo) / (hi - lo)
		}
		for i := range out {
			out[i] = pixel(tile[i*c:(i+1)*c], norm)
		}
		return out
	default:
		id := func(v float32) float32 { return v }
		for i := range out {
			out[i] = pixel(tile[i*c:(i+1)*c], id)
		}
		return out
	}
}

func pixel(v []float32, f func(float32) float32) color.RGBA {
	if len(v) == 1 {
		g := to8(f(v[0]))
		return color.RGBA{g, g, g, 255}
	}
	return color.RGBA{to8(f(v[0])), to8(f(v[1])), to8(f(v[2])), 255}
}

// PNGBytes encodes an image as PNG.
func PNGBytes(m image.Image) ([]byte, error) {
	if m == nil {
		return nil, fmt.Errorf("img: nil image")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		return nil, fmt.Errorf("img: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// WritePNG writes an image to path as PNG.
func WritePNG(path string, m image.Image) error {
	b, err := PNGBytes(m)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("img: %w", err)
	}
	return nil
}
