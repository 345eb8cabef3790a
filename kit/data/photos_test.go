package data

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestPhotosListAndSplit(t *testing.T) {
	all, err := Photos()
	if err != nil {
		t.Fatalf("the photo packages are installed on the development machines; got %v", err)
	}
	perPkg := map[string]int{}
	for i, p := range all {
		perPkg[p.Package]++
		if i > 0 && all[i-1].Name >= p.Name {
			t.Errorf("not sorted by name: %q then %q", all[i-1].Name, p.Name)
		}
		if p.Path == "" || p.Author == "" || p.License == "" {
			t.Errorf("incomplete entry %+v", p)
		}
	}
	if len(all) != 26 || perPkg["lomiri-wallpapers-16.04"] != 14 || perPkg["mate-backgrounds"] != 12 {
		t.Errorf("%d photos, per package %v; want 26 = 14 + 12", len(all), perPkg)
	}

	train, test, err := PhotoSplit()
	if err != nil {
		t.Fatal(err)
	}
	names := func(ps []Photo) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	if !slices.Equal(names(test), slices.Sorted(slices.Values(TestPhotoNames))) {
		t.Errorf("test split %v, want %v", names(test), TestPhotoNames)
	}
	if len(train)+len(test) != len(all) {
		t.Errorf("%d train + %d test != %d photos", len(train), len(test), len(all))
	}
	for _, p := range train {
		if slices.Contains(TestPhotoNames, p.Name) {
			t.Errorf("%s is in both splits", p.Name)
		}
	}
	train2, test2, _ := PhotoSplit()
	if !reflect.DeepEqual(train, train2) || !reflect.DeepEqual(test, test2) {
		t.Error("split changed between calls")
	}
}

func TestPhotosMissing(t *testing.T) {
	savedL, savedM := lomiriDir, mateDir
	t.Cleanup(func() { lomiriDir, mateDir = savedL, savedM })
	lomiriDir, mateDir = t.TempDir(), t.TempDir()
	_, err := Photos()
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("got %v, want ErrNotInstalled", err)
	}
	for _, want := range []string{"make setup", "sudo apt-get install lomiri-wallpapers-16.04 mate-backgrounds"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestFromImageBoxFilter(t *testing.T) {
	// 5x4 gray image, pixel (x, y) = 10*y + x; factor 2 keeps 2x2 blocks of
	// the top-left 4x4 and drops the last column.
	g := image.NewGray(image.Rect(0, 0, 5, 4))
	for y := range 4 {
		for x := range 5 {
			g.SetGray(x, y, color.Gray{Y: uint8(10*y + x)})
		}
	}
	im, err := FromImage(g, "g", true, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Block means: (0+1+10+11)/4 = 5.5, 7.5, 25.5, 27.5.
	want := []float32{5.5 / 255, 7.5 / 255, 25.5 / 255, 27.5 / 255}
	if im.H != 2 || im.W != 2 || im.C != 1 || !approxEqual(im.Pix, want, 1e-6) {
		t.Errorf("got [%d %d %d] %v, want [2 2 1] %v", im.H, im.W, im.C, im.Pix, want)
	}

	// RGB through the generic path; gray from RGB uses BT.601 weights.
	c := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	c.SetNRGBA(0, 0, color.NRGBA{255, 0, 0, 255})
	c.SetNRGBA(1, 0, color.NRGBA{0, 255, 51, 255})
	rgb, err := FromImage(c, "c", false, 1)
	if err != nil || !approxEqual(rgb.Pix, []float32{1, 0, 0, 0, 1, 0.2}, 1e-6) {
		t.Errorf("RGB: %v, %v", rgb, err)
	}
	gray, err := FromImage(c, "c", true, 2)
	if err == nil {
		t.Errorf("2x1 image with factor 2 gave %v, want an error", gray)
	}
	gray, err = FromImage(c, "c", true, 1)
	if err != nil || !approxEqual(gray.Pix, []float32{0.299, 0.587 + 0.114*0.2}, 1e-6) {
		t.Errorf("gray: %v, %v", gray, err)
	}
	if _, err := FromImage(c, "c", true, 0); err == nil {
		t.Error("factor 0: no error")
	}
}

func approxEqual(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}

// rampImage has pixel (y, x) = (y*W + x) / (H*W), so a patch's values tell
// where it was cut.
func rampImage(name string, h, w int) *Image {
	im := &Image{Name: name, H: h, W: w, C: 1, Pix: make([]float32, h*w)}
	for i := range im.Pix {
		im.Pix[i] = float32(i) / float32(h*w)
	}
	return im
}

func TestPatchesSynthetic(t *testing.T) {
	images := []*Image{rampImage("a", 20, 30), rampImage("b", 16, 16)}
	const n, size = 200, 5
	s, err := Patches("p", images, n, size, 42)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Shape(), []int{n, size, size, 1}) || s.Labels != nil {
		t.Fatalf("shape %v", s.Shape())
	}
	// Every patch is a contiguous crop of one of the images.
	fromA := 0
	for k := range n {
		p, _ := s.Image(k)
		ok := false
		for i, im := range images {
			hw := float32(im.H * im.W)
			start := int(math.Round(float64(p[0] * hw)))
			y0, x0 := start/im.W, start%im.W
			if y0+size > im.H || x0+size > im.W {
				continue
			}
			match := true
			for dy := range size {
				for dx := range size {
					if p[dy*size+dx] != im.Pix[(y0+dy)*im.W+x0+dx] {
						match = false
					}
				}
			}
			if match {
				ok = true
				if i == 0 {
					fromA++
				}
				break
			}
		}
		if !ok {
			t.Fatalf("patch %d is not a crop of either image: %v", k, p)
		}
	}
	// Images are picked uniformly: 200 draws, binomial(200, 1/2), sd ~7.1;
	// 4.5 sd is 32.
	if fromA < 100-32 || fromA > 100+32 {
		t.Errorf("%d of %d patches from the first image, want about half", fromA, n)
	}
	s2, _ := Patches("p", images, n, size, 42)
	s3, _ := Patches("p", images, n, size, 43)
	if !slices.Equal(s.Images, s2.Images) {
		t.Error("same seed, different patches")
	}
	if slices.Equal(s.Images, s3.Images) {
		t.Error("different seed, same patches")
	}
	if _, err := Patches("p", images, 1, 17, 0); err == nil {
		t.Error("patch larger than an image: no error")
	}
	if _, err := Patches("p", nil, 1, 2, 0); err == nil {
		t.Error("no images: no error")
	}
	rgb := &Image{Name: "rgb", H: 8, W: 8, C: 3, Pix: make([]float32, 8*8*3)}
	if _, err := Patches("p", []*Image{images[0], rgb}, 1, 2, 0); err == nil {
		t.Error("mixed channel counts: no error")
	}
}

// TestPhotoLoadAndPatches decodes two of the smaller real photos.
func TestPhotoLoadAndPatches(t *testing.T) {
	all, err := Photos()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Photo{}
	for _, p := range all {
		byName[p.Name] = p
	}
	// GreenMeadow is 1280x1024, FreshFlower 1600x1203.
	meadow, flower := byName["GreenMeadow"], byName["FreshFlower"]
	gray, err := LoadPhoto(meadow, true, 4)
	if err != nil {
		t.Fatal(err)
	}
	rgb, err := LoadPhoto(meadow, false, 4)
	if err != nil {
		t.Fatal(err)
	}
	if gray.H != 256 || gray.W != 320 || gray.C != 1 || rgb.H != 256 || rgb.W != 320 || rgb.C != 3 {
		t.Fatalf("GreenMeadow /4: gray [%d %d %d], rgb [%d %d %d], want [256 320 1|3]",
			gray.H, gray.W, gray.C, rgb.H, rgb.W, rgb.C)
	}
	// JPEG luma Y is BT.601 luma of the decoded RGB up to rounding and
	// clamping in the YCbCr->RGB conversion (a few 8-bit levels at most).
	maxDiff := 0.0
	for i := range gray.Pix {
		r, g, b := rgb.Pix[3*i], rgb.Pix[3*i+1], rgb.Pix[3*i+2]
		maxDiff = max(maxDiff, math.Abs(float64(gray.Pix[i]-(0.299*r+0.587*g+0.114*b))))
	}
	if maxDiff > 3.0/255 {
		t.Errorf("gray vs BT.601 of RGB: max difference %.4f > 3/255", maxDiff)
	}
	// A meadow is green: mean G > mean R and mean B.
	var sums [3]float64
	for i, v := range rgb.Pix {
		sums[i%3] += float64(v)
	}
	if !(sums[1] > sums[0] && sums[1] > sums[2]) {
		t.Errorf("GreenMeadow channel sums %v: green does not dominate", sums)
	}

	images, err := LoadPhotos([]Photo{meadow, flower}, true, 4)
	if err != nil {
		t.Fatal(err)
	}
	if images[1].H != 300 || images[1].W != 400 {
		t.Errorf("FreshFlower /4: %dx%d, want 400x300", images[1].W, images[1].H)
	}
	p1, err := Patches("photo patches", images, 64, 32, 7)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := Patches("photo patches", images, 64, 32, 7)
	if !reflect.DeepEqual(p1.Shape(), []int{64, 32, 32, 1}) || !slices.Equal(p1.Images, p2.Images) {
		t.Errorf("patches: shape %v, deterministic %v", p1.Shape(), slices.Equal(p1.Images, p2.Images))
	}
	lo, hi := slices.Min(p1.Images), slices.Max(p1.Images)
	if lo < 0 || hi > 1 || hi-lo < 0.2 {
		t.Errorf("patch values in [%g, %g], want within [0, 1] and not flat", lo, hi)
	}
}

// TestCutDihedral checks the 8 transforms against their definitions on a
// 2-channel image: t=0 copies, bit 0 transposes, bits 1 and 2 flip rows and
// columns; the 8 results of an asymmetric window are distinct, each is a
// permutation of the window, and out-of-range windows panic.
func TestCutDihedral(t *testing.T) {
	const H, W, C, p, y0, x0 = 5, 6, 2, 3, 1, 2
	im := &Image{Name: "ramp", H: H, W: W, C: C, Pix: make([]float32, H*W*C)}
	for i := range im.Pix {
		im.Pix[i] = float32(i)
	}
	at := func(y, x, c int) float32 { return im.Pix[((y0+y)*W+x0+x)*C+c] }
	seen := map[string]bool{}
	for tr := range 8 {
		dst := make([]float32, p*p*C)
		CutDihedral(dst, im, y0, x0, p, tr)
		for i := range p {
			for j := range p {
				a, b := i, j
				if tr&1 != 0 {
					a, b = j, i
				}
				if tr&2 != 0 {
					a = p - 1 - a
				}
				if tr&4 != 0 {
					b = p - 1 - b
				}
				for c := range C {
					if got, want := dst[(i*p+j)*C+c], at(a, b, c); got != want {
						t.Fatalf("t=%d (%d,%d,%d): got %g, want %g", tr, i, j, c, got, want)
					}
				}
			}
		}
		seen[fmt.Sprint(dst)] = true
	}
	if len(seen) != 8 {
		t.Fatalf("%d distinct transforms of an asymmetric window, want 8", len(seen))
	}
	for _, bad := range [][3]int{{3, 2, 0}, {1, 4, 0}, {-1, 0, 0}, {0, 0, 8}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("window at (%d,%d) t=%d did not panic", bad[0], bad[1], bad[2])
				}
			}()
			CutDihedral(make([]float32, p*p*C), im, bad[0], bad[1], p, bad[2])
		}()
	}
}
