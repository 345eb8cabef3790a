package data

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/core/tensors"
)

// PhotosInstallCommand installs the Debian packages that hold the photos.
const PhotosInstallCommand = "sudo apt-get install lomiri-wallpapers-16.04 mate-backgrounds"

// Directories where the photo packages install their files.
const (
	LomiriWallpapersDir = "/usr/share/backgrounds"
	MateNatureDir       = "/usr/share/backgrounds/mate/nature"
)

// Photo is one natural photograph from a Debian wallpaper package.
type Photo struct {
	// Name is the file name without extension, e.g. "LadyBird"; it is unique
	// among Photos and decides the train/test split.
	Name string
	// Path is the absolute path of the JPEG file.
	Path string
	// Package is the Debian package that installs it.
	Package string
	// Author is the copyright holder, from /usr/share/doc/<Package>/copyright.
	Author string
	// License is the SPDX identifier of its licence.
	License string
}

// photoCatalog is the curated list of photos, checked by eye (contact sheet
// and 1:1 crops) and against /usr/share/doc/<pkg>/copyright. Every JPEG of
// lomiri-wallpapers-16.04 is a photo except umang_by_Abhishek_Mudgal.jpg, a
// smooth colour-gradient render, which is left out; all twelve JPEGs of
// mate-backgrounds' nature/ folder are photos. mate-backgrounds' abstract/ and
// desktop/ folders (renders, PNG) are not used. Sizes range from 1280x1024 to
// 5312x2988; all are 8-bit RGB JPEGs.
var photoCatalog = []Photo{
	{Name: "Bridge_by_Sander_Klootwijk", Package: "lomiri-wallpapers-16.04", Author: "Sander Klootwijk", License: "CC-BY-SA-4.0"},
	{Name: "Dragonfly_by_Bolly", Package: "lomiri-wallpapers-16.04", Author: `"Bolly"`, License: "CC-BY-SA-4.0"},
	{Name: "Picture_0B_by_freespace", Package: "lomiri-wallpapers-16.04", Author: `Trevor "Freespace"`, License: "CC-BY-4.0"},
	{Name: "Picture_1A_by_freespace", Package: "lomiri-wallpapers-16.04", Author: `Trevor "Freespace"`, License: "CC-BY-4.0"},
	{Name: "Wine_by_Jakkub_Mede", Package: "lomiri-wallpapers-16.04", Author: "Jakub Mede", License: "CC-BY-4.0"},
	{Name: "aitzgorri_by_Aitzol_Berasategi", Package: "lomiri-wallpapers-16.04", Author: "Aitzol Berasategi", License: "CC-BY-4.0"},
	{Name: "analogpattern_by_Peter_Nerlich", Package: "lomiri-wallpapers-16.04", Author: "Peter Nerlich", License: "CC-BY-SA-4.0"},
	{Name: "free_by_Peter_Nerlich", Package: "lomiri-wallpapers-16.04", Author: "Peter Nerlich", License: "CC-BY-SA-4.0"},
	{Name: "friends_by_Aitzol_Berasategi", Package: "lomiri-wallpapers-16.04", Author: "Aitzol Berasategi", License: "CC-BY-4.0"},
	{Name: "greentock_by_Peter_Nerlich", Package: "lomiri-wallpapers-16.04", Author: "Peter Nerlich", License: "CC-BY-SA-4.0"},
	{Name: "life_by_Aitzol_Berasategi", Package: "lomiri-wallpapers-16.04", Author: "Aitzol Berasategi", License: "CC-BY-4.0"},
	{Name: "picosdeeuropa_by_Aitzol_Berasategi", Package: "lomiri-wallpapers-16.04", Author: "Aitzol Berasategi", License: "CC-BY-4.0"},
	{Name: "seeding_by_Clements_Engelhardt", Package: "lomiri-wallpapers-16.04", Author: "Clemens Engelhardt", License: "CC0-1.0"},
	{Name: "sunset_by_Aitzol_Berasategi", Package: "lomiri-wallpapers-16.04", Author: "Aitzol Berasategi", License: "CC-BY-4.0"},
	{Name: "Aqua", Package: "mate-backgrounds", Author: "Charles Barbin", License: "GPL-2.0-or-later"},
	{Name: "Blinds", Package: "mate-backgrounds", Author: "Lennart Poettering, Andrea Cimitan", License: "GPL-2.0-or-later"},
	{Name: "Dune", Package: "mate-backgrounds", Author: "Marco Cogoni, Hylke Bons", License: "GPL-2.0-or-later"},
	{Name: "FreshFlower", Package: "mate-backgrounds", Author: "Jens Ansorg", License: "GPL-2.0-or-later"},
	{Name: "Garden", Package: "mate-backgrounds", Author: "Charles Barbin", License: "GPL-2.0-or-later"},
	{Name: "GreenMeadow", Package: "mate-backgrounds", Author: "Timothy Schellhase, Lapo Calamandrei", License: "GPL-2.0-or-later"},
	{Name: "LadyBird", Package: "mate-backgrounds", Author: "Charles Barbin", License: "GPL-2.0-or-later"},
	{Name: "RainDrops", Package: "mate-backgrounds", Author: `"blackcombwhistler07"`, License: "GPL-2.0-or-later"},
	{Name: "Storm", Package: "mate-backgrounds", Author: "Sergey Nazarov", License: "GPL-2.0-or-later"},
	{Name: "TwoWings", Package: "mate-backgrounds", Author: "Charles Barbin", License: "GPL-2.0-or-later"},
	{Name: "Wood", Package: "mate-backgrounds", Author: "Jean-François Fortin Tam", License: "GPL-2.0-or-later"},
	{Name: "YellowFlower", Package: "mate-backgrounds", Author: "Charles Barbin", License: "GPL-2.0-or-later"},
}

// TestPhotoNames are the photos held out for testing, chosen once by name
// (landscape, close-up, animal, insect, grass, texture; both packages) so
// the split never changes. All other photos form the training split.
var TestPhotoNames = []string{
	"Dune",
	"LadyBird",
	"Picture_0B_by_freespace",
	"Wood",
	"friends_by_Aitzol_Berasategi",
	"picosdeeuropa_by_Aitzol_Berasategi",
}

// lomiriDir and mateDir are where photoPath looks (variables so that tests
// can point them at an empty directory).
var lomiriDir, mateDir = LomiriWallpapersDir, MateNatureDir

// photoPath returns the file path of a catalogued photo.
func photoPath(p Photo) string {
	if p.Package == "mate-backgrounds" {
		return filepath.Join(mateDir, p.Name+".jpg")
	}
	return filepath.Join(lomiriDir, p.Name+".jpg")
}

// Photos lists the curated natural photos (see the package doc) sorted by
// Name, with Path filled in. It fails with an error wrapping ErrNotInstalled
// (naming PhotosInstallCommand and `make setup`) unless every catalogued
// file is present: the split and the patches depend on the whole list.
func Photos() ([]Photo, error) {
	var out, missing []Photo
	for _, p := range photoCatalog {
		p.Path = photoPath(p)
		if info, err := os.Stat(p.Path); err != nil || !info.Mode().IsRegular() {
			missing = append(missing, p)
			continue
		}
		out = append(out, p)
	}
	if len(missing) > 0 {
		pkgs := map[string]bool{}
		for _, p := range missing {
			pkgs[p.Package] = true
		}
		return nil, fmt.Errorf("%w: %d of %d photos missing (first: %s, from package %s; packages affected: %v); "+
			"install them with `make setup` or `%s`",
			ErrNotInstalled, len(missing), len(photoCatalog), missing[0].Path, missing[0].Package,
			slices.Sorted(maps.Keys(pkgs)), PhotosInstallCommand)
	}
	slices.SortFunc(out, func(a, b Photo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// PhotoSplit returns Photos divided into the training split (all but
// TestPhotoNames) and the held-out test split (TestPhotoNames), each sorted
// by Name. Whole photos are held out, so no test pixel is ever seen in
// training.
func PhotoSplit() (train, test []Photo, err error) {
	all, err := Photos()
	if err != nil {
		return nil, nil, err
	}
	for _, p := range all {
		if slices.Contains(TestPhotoNames, p.Name) {
			test = append(test, p)
		} else {
			train = append(train, p)
		}
	}
	return train, test, nil
}

// Image is one decoded picture: Pix is [H, W, C] float32 in [0, 1], row-major
// (pixel (y, x, c) at Pix[(y*W+x)*C+c]); C is 1 (gray) or 3 (RGB).
type Image struct {
	// Name identifies the source, e.g. the Photo name.
	Name string
	// H, W, C are height, width and channels.
	H, W, C int
	// Pix: [H, W, C] float32 in [0, 1].
	Pix []float32
}

// LoadPhoto decodes p.Path (JPEG or PNG) into an Image: gray gives C = 1
// (JPEG's luma Y, i.e. ITU-R BT.601 0.299R+0.587G+0.114B, for JPEGs; the
// same weights for other images), otherwise C = 3 (RGB). factor >= 1
// downscales by box filtering: each output pixel is the mean of a
// factor x factor block, giving [H/factor, W/factor, C] (floors; the right
// and bottom remainders are dropped). Values are 8-bit levels / 255, so in
// [0, 1]. EXIF orientation is ignored.
func LoadPhoto(p Photo, gray bool, factor int) (*Image, error) {
	return LoadImageFile(p.Path, p.Name, gray, factor)
}

// LoadPhotos loads every photo with LoadPhoto, decoding up to GOMAXPROCS
// photos at a time; out[i] is photos[i]. Loading all 26 photos at factor 4
// took 5-7 s on a shared 2-core machine, mostly JPEG decoding: keep the
// result rather than reloading.
func LoadPhotos(photos []Photo, gray bool, factor int) ([]*Image, error) {
	out := make([]*Image, len(photos))
	errs := make([]error, len(photos))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, p := range photos {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i], errs[i] = LoadPhoto(p, gray, factor)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadImageFile decodes a JPEG or PNG file into an Image named name; gray and
// factor are as in LoadPhoto.
func LoadImageFile(path, name string, gray bool, factor int) (*Image, error) {
	if factor < 1 {
		return nil, fmt.Errorf("data.LoadImageFile(%s): downscale factor must be >= 1, got %d", path, factor)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		return nil, fmt.Errorf("data.LoadImageFile(%s): %w", path, err)
	}
	if cfg.Width < factor || cfg.Height < factor {
		return nil, fmt.Errorf("data.LoadImageFile(%s): %dx%d image is smaller than the downscale factor %d",
			path, cfg.Width, cfg.Height, factor)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return nil, err
	}
	var src image.Image
	switch format {
	case "jpeg":
		src, err = jpeg.Decode(f)
	case "png":
		src, err = png.Decode(f)
	default:
		err = fmt.Errorf("format %q not supported (JPEG or PNG only)", format)
	}
	if err != nil {
		return nil, fmt.Errorf("data.LoadImageFile(%s): %w", path, err)
	}
	return FromImage(src, name, gray, factor)
}

// FromImage converts a decoded Go image to an Image, downscaled by box
// filtering with the integer factor (>= 1); see LoadPhoto.
func FromImage(src image.Image, name string, gray bool, factor int) (*Image, error) {
	b := src.Bounds()
	if factor < 1 {
		return nil, fmt.Errorf("data.FromImage: downscale factor must be >= 1, got %d", factor)
	}
	c := 3
	if gray {
		c = 1
	}
	h, w := b.Dy()/factor, b.Dx()/factor
	if h == 0 || w == 0 {
		return nil, fmt.Errorf("data.FromImage: %dx%d image is smaller than the downscale factor %d", b.Dx(), b.Dy(), factor)
	}
	out := &Image{Name: name, H: h, W: w, C: c, Pix: make([]float32, h*w*c)}
	// pixel writes the 8-bit channels of source pixel (x, y) into px[0:c].
	var pixel func(x, y int, px *[3]float32)
	const (
		wr, wg, wb = 0.299, 0.587, 0.114
	)
	switch im := src.(type) {
	case *image.YCbCr:
		pixel = func(x, y int, px *[3]float32) {
			yi, ci := im.YOffset(x, y), im.COffset(x, y)
			if gray {
				px[0] = float32(im.Y[yi])
				return
			}
			r, g, bl := color.YCbCrToRGB(im.Y[yi], im.Cb[ci], im.Cr[ci])
			px[0], px[1], px[2] = float32(r), float32(g), float32(bl)
		}
	case *image.Gray:
		pixel = func(x, y int, px *[3]float32) {
			v := float32(im.Pix[im.PixOffset(x, y)])
			px[0], px[1], px[2] = v, v, v
		}
	default:
		pixel = func(x, y int, px *[3]float32) {
			r, g, bl, _ := src.At(x, y).RGBA() // 16-bit, alpha-premultiplied
			px[0], px[1], px[2] = float32(r)/257, float32(g)/257, float32(bl)/257
			if gray {
				px[0] = wr*px[0] + wg*px[1] + wb*px[2]
			}
		}
	}
	acc := make([]float32, w*c)
	scale := 1 / (255 * float32(factor*factor))
	var px [3]float32
	for oy := range h {
		clear(acc)
		for dy := range factor {
			y := b.Min.Y + oy*factor + dy
			for x := range w * factor {
				pixel(b.Min.X+x, y, &px)
				a := acc[(x/factor)*c : (x/factor)*c+c]
				for k := range a {
					a[k] += px[k]
				}
			}
		}
		row := out.Pix[oy*w*c : (oy+1)*w*c]
		for i, v := range acc {
			row[i] = min(max(v*scale, 0), 1)
		}
	}
	return out, nil
}

// Patches cuts n square patches of size x size from images, deterministically
// for a seed: patch k comes from image i (uniform over images) at a uniform
// top-left corner (y, x), all drawn from math/rand/v2's PCG seeded with
// (seed, 0). The images must share C. The result is an unlabelled Set
// named name: [n, size, size, C] float32.
func Patches(name string, images []*Image, n, size int, seed uint64) (*Set, error) {
	if len(images) == 0 {
		return nil, fmt.Errorf("data.Patches(%q): no images", name)
	}
	if n <= 0 || size <= 0 {
		return nil, fmt.Errorf("data.Patches(%q): n=%d and size=%d must be > 0", name, n, size)
	}
	c := images[0].C
	for _, im := range images {
		if im == nil || im.C != c || len(im.Pix) != im.H*im.W*im.C {
			return nil, fmt.Errorf("data.Patches(%q): images must be well-formed and share the channel count %d", name, c)
		}
		if im.H < size || im.W < size {
			return nil, fmt.Errorf("data.Patches(%q): image %q is %dx%d, smaller than the %dx%d patch",
				name, im.Name, im.W, im.H, size, size)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	out := make([]float32, n*size*size*c)
	rowLen := size * c
	for k := range n {
		im := images[rng.IntN(len(images))]
		y0 := rng.IntN(im.H - size + 1)
		x0 := rng.IntN(im.W - size + 1)
		dst := out[k*size*rowLen:]
		for dy := range size {
			src := im.Pix[((y0+dy)*im.W+x0)*c:]
			copy(dst[dy*rowLen:(dy+1)*rowLen], src[:rowLen])
		}
	}
	return NewSet(name, out, nil, 0, size, size, c)
}

// CutDihedral copies the p x p window of im with top-left corner (y0, x0)
// into dst ([p, p, C], row-major) under the dihedral transform t in 0..7 of
// the square, the 8 symmetries used for data augmentation: bit 0
// transposes, bit 1 flips the rows, bit 2 flips the columns (applied in
// that order to the output coordinates: out(i, j) = window(a, b) with
// (a, b) = (i, j), swapped if bit 0, a = p-1-a if bit 1, b = p-1-b if
// bit 2). t = 0 is a plain copy. It panics if the window leaves the image,
// dst is shorter than p*p*C or t is out of range: callers draw these.
func CutDihedral(dst []float32, im *Image, y0, x0, p, t int) {
	if t < 0 || t > 7 || p < 1 || y0 < 0 || x0 < 0 || y0+p > im.H || x0+p > im.W || len(dst) < p*p*im.C {
		panic(fmt.Sprintf("data.CutDihedral: window %dx%d at (%d, %d) of a %dx%d image into %d values, transform %d",
			p, p, y0, x0, im.H, im.W, len(dst), t))
	}
	c := im.C
	for i := range p {
		for j := range p {
			a, b := i, j
			if t&1 != 0 {
				a, b = b, a
			}
			if t&2 != 0 {
				a = p - 1 - a
			}
			if t&4 != 0 {
				b = p - 1 - b
			}
			src := ((y0+a)*im.W + x0 + b) * c
			copy(dst[(i*p+j)*c:(i*p+j+1)*c], im.Pix[src:src+c])
		}
	}
}

// ToSet stacks images of identical shape into an unlabelled Set
// [len(images), H, W, C] (a copy).
func ToSet(name string, images []*Image) (*Set, error) {
	if len(images) == 0 {
		return nil, fmt.Errorf("data.ToSet(%q): no images", name)
	}
	h, w, c := images[0].H, images[0].W, images[0].C
	out := make([]float32, 0, len(images)*h*w*c)
	for _, im := range images {
		if im.H != h || im.W != w || im.C != c || len(im.Pix) != h*w*c {
			return nil, fmt.Errorf("data.ToSet(%q): image %q is [%d %d %d], want [%d %d %d]",
				name, im.Name, im.H, im.W, im.C, h, w, c)
		}
		out = append(out, im.Pix...)
	}
	return NewSet(name, out, nil, 0, h, w, c)
}

// ToTensor copies the image into a new tensor of shape [H, W, C] float32.
func (im *Image) ToTensor() (*tensors.Tensor, error) {
	if im == nil || im.H <= 0 || im.W <= 0 || im.C <= 0 || len(im.Pix) != im.H*im.W*im.C {
		return nil, fmt.Errorf("data.Image.ToTensor: malformed image")
	}
	return tensors.FromFlatDataAndDimensions(im.Pix, im.H, im.W, im.C), nil
}
