package img

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestToImageFromImageRoundTrip(t *testing.T) {
	// Values k/255 survive the 8-bit round trip exactly.
	for _, c := range []int{1, 3} {
		h, w := 3, 5
		x := make([]float32, h*w*c)
		for i := range x {
			x[i] = float32((i*37)%256) / 255
		}
		m, err := ToImage(x, h, w, c)
		if err != nil {
			t.Fatal(err)
		}
		switch m.(type) {
		case *image.Gray:
			if c != 1 {
				t.Errorf("C=%d gave *image.Gray", c)
			}
		case *image.RGBA:
			if c != 3 {
				t.Errorf("C=%d gave *image.RGBA", c)
			}
		}
		y, hh, ww, cc, err := FromImage(m, 0)
		if err != nil {
			t.Fatal(err)
		}
		if hh != h || ww != w || cc != c {
			t.Fatalf("C=%d: FromImage dims %d,%d,%d, want %d,%d,%d", c, hh, ww, cc, h, w, c)
		}
		for i := range x {
			if x[i] != y[i] {
				t.Fatalf("C=%d: value %d: %v -> %v", c, i, x[i], y[i])
			}
		}
	}
}

func TestToImageClipsAndLayout(t *testing.T) {
	// [1, 2, 3]: pixel 0 = (-0.5, 2, NaN) -> (0, 255, 0); pixel 1 = (0.2, 0.4, 0.6).
	nan := float32(math.NaN())
	m, err := ToImage([]float32{-0.5, 2, nan, 0.2, 0.4, 0.6}, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	rgba := m.(*image.RGBA)
	if got := rgba.RGBAAt(0, 0); got != (color.RGBA{0, 255, 0, 255}) {
		t.Errorf("pixel (0,0) = %v", got)
	}
	if got := rgba.RGBAAt(1, 0); got != (color.RGBA{51, 102, 153, 255}) {
		t.Errorf("pixel (1,0) = %v", got)
	}
	// [2, 1] gray: row 1 is the second value.
	g, _ := ToImage([]float32{0, 1}, 2, 1, 1)
	if g.(*image.Gray).GrayAt(0, 1).Y != 255 || g.(*image.Gray).GrayAt(0, 0).Y != 0 {
		t.Error("gray layout: want (x=0,y=1) white, (0,0) black")
	}
	if _, err := ToImage(make([]float32, 5), 2, 2, 1); err == nil {
		t.Error("5 values for 2x2: want an error")
	}
	if _, err := ToImage(make([]float32, 8), 2, 2, 2); err == nil {
		t.Error("C=2: want an error")
	}
	// Forced gray from a colour image uses Go's luma: pure green -> 0.587 (to 1/255).
	x, _, _, c, err := FromImage(rgba, 1)
	if err != nil || c != 1 {
		t.Fatal(c, err)
	}
	if math.Abs(float64(x[0])-0.587) > 0.005 {
		t.Errorf("gray of green = %v, want ~0.587", x[0])
	}
}

func TestSignedToImage(t *testing.T) {
	m, err := SignedToImage([]float32{-2, 0, 1, 2}, 1, 4, 0) // scale = max|x| = 2
	if err != nil {
		t.Fatal(err)
	}
	want := []color.RGBA{{0, 0, 255, 255}, {255, 255, 255, 255}, {255, 128, 128, 255}, {255, 0, 0, 255}}
	for i, w := range want {
		if got := m.RGBAAt(i, 0); got != w {
			t.Errorf("pixel %d = %v, want %v", i, got, w)
		}
	}
}

func TestGridGeometry(t *testing.T) {
	// Three 2x2 gray tiles in a 2x2 grid, pad 1, scale 2: tiles are 4x4 pixels,
	// the image is 2*4+3 = 11 pixels square; cell (1,1) stays empty (pad colour).
	s := Shape{N: 3, H: 2, W: 2, C: 1}
	x := []float32{
		0, 0.2, 0.4, 0.6, // tile 0: (y,x) = (0,0) 0, (0,1) 0.2, (1,0) 0.4, (1,1) 0.6
		1, 1, 1, 1, // tile 1: white
		0.5, 0.5, 0.5, 0.5, // tile 2: mid-gray
	}
	pad := color.RGBA{255, 0, 0, 255}
	o := GridOptions{Pad: 1, Scale: 2, PadColor: pad}
	m, err := Grid(x, s, 2, 2, o)
	if err != nil {
		t.Fatal(err)
	}
	if b := m.Bounds(); b.Dx() != 11 || b.Dy() != 11 {
		t.Fatalf("grid is %v, want 11x11", b)
	}
	g := o.Geometry(2, 2, 2, 2)
	if g.X0 != 1 || g.StepX != 5 || g.TileW != 4 || g.Width != 11 {
		t.Errorf("geometry %+v", g)
	}
	gray := func(v uint8) color.RGBA { return color.RGBA{v, v, v, 255} }
	checks := []struct {
		x, y int
		want color.RGBA
	}{
		{0, 0, pad}, {5, 5, pad}, {10, 10, pad}, {5, 2, pad}, // borders and gaps
		{1, 1, gray(0)}, {2, 2, gray(0)}, // tile 0 value (0,0) covers 2x2 pixels
		{3, 1, gray(51)}, {4, 2, gray(51)}, // value (0,1) -> pixels x 3..4
		{1, 3, gray(102)}, {2, 4, gray(102)}, // value (1,0) -> pixels y 3..4
		{4, 4, gray(153)},
		{6, 1, gray(255)}, {9, 4, gray(255)}, // tile 1 at column 1
		{1, 6, gray(128)}, {4, 9, gray(128)}, // tile 2 at row 1
		{6, 6, pad}, {9, 9, pad}, // empty cell
	}
	for _, c := range checks {
		if got := m.RGBAAt(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	if _, err := Grid(x, s, 1, 2, o); err == nil {
		t.Error("1x2 grid for 3 images: want an error")
	}
	// Derived layout: rows from cols, and square by default.
	m, _ = Grid(x, s, 0, 3, GridOptions{})
	if m.Bounds().Dx() != 6 || m.Bounds().Dy() != 2 {
		t.Errorf("rows derived: %v, want 6x2", m.Bounds())
	}
	m, _ = Grid(x, s, 0, 0, GridOptions{})
	if m.Bounds().Dx() != 4 || m.Bounds().Dy() != 4 {
		t.Errorf("square: %v, want 4x4", m.Bounds())
	}
}

func TestGridModes(t *testing.T) {
	s := Shape{N: 2, H: 1, W: 2, C: 1}
	x := []float32{-3, 5, 2, 2}
	m, err := Grid(x, s, 1, 2, GridOptions{Mode: Normalize})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		x    int
		want uint8
	}{{0, 0}, {1, 255}, {2, 128}, {3, 128}} { // constant tile -> mid-gray
		if got := m.RGBAAt(c.x, 0).R; got != c.want {
			t.Errorf("Normalize pixel %d = %d, want %d", c.x, got, c.want)
		}
	}
	m, err = Grid([]float32{-1, 0.5}, Shape{1, 1, 2, 1}, 1, 1, GridOptions{Mode: Signed, SignedScale: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.RGBAAt(0, 0); got != (color.RGBA{0, 0, 255, 255}) {
		t.Errorf("Signed -1 = %v, want blue", got)
	}
	if got := m.RGBAAt(1, 0); got != (color.RGBA{255, 128, 128, 255}) {
		t.Errorf("Signed 0.5 = %v", got)
	}
	if _, err := Grid(make([]float32, 6), Shape{1, 1, 2, 3}, 1, 1, GridOptions{Mode: Signed}); err == nil {
		t.Error("Signed RGB: want an error")
	}
	// RGB tiles keep their channels.
	m, _ = GridImages([][]float32{{1, 0.2, 0}}, 1, 1, 3, 1, 1, GridOptions{})
	if got := m.RGBAAt(0, 0); got != (color.RGBA{255, 51, 0, 255}) {
		t.Errorf("RGB tile = %v", got)
	}
	if _, err := GridImages([][]float32{{1, 0.2}}, 1, 1, 3, 1, 1, GridOptions{}); err == nil {
		t.Error("short image: want an error")
	}
}

func TestPNG(t *testing.T) {
	m, _ := ToImage([]float32{0, 0.5, 1, 0.25}, 2, 2, 1)
	b, err := PNGBytes(m)
	if err != nil {
		t.Fatal(err)
	}
	d, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	x, _, _, _, _ := FromImage(d, 1)
	if x[1] != 128.0/255 || x[2] != 1 {
		t.Errorf("decoded %v", x)
	}
	path := filepath.Join(t.TempDir(), "g.png")
	if err := WritePNG(path, m); err != nil {
		t.Fatal(err)
	}
	fb, _ := os.ReadFile(path)
	if !bytes.Equal(fb, b) {
		t.Error("WritePNG wrote other bytes than PNGBytes")
	}
	if err := WritePNG(filepath.Join(t.TempDir(), "no", "such", "dir.png"), m); err == nil {
		t.Error("bad path: want an error")
	}
}
