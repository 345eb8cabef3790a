package render

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// Defaults of [Options].
const (
	// DefaultMaxDepth caps the number of scattering events of a path. With
	// Russian roulette a path this long has probability at most 0.95^(253),
	// about 2e-6, and carries a throughput of at most rho_max^256 times the
	// light it would add, so the truncation bias is far below the Monte Carlo
	// noise of any render here.
	DefaultMaxDepth = 256
	// DefaultRRDepth is the number of scattering events after which Russian
	// roulette may end a path.
	DefaultRRDepth = 3
	// rrMaxSurvival caps the survival probability of Russian roulette so that
	// every path ends even in a scene of albedo 1.
	rrMaxSurvival = 0.95
)

// Options sets the size and sampling of a render.
type Options struct {
	// Width and Height are the image size in pixels (W, H >= 1).
	Width, Height int
	// SPP is the number of samples (paths) per pixel, >= 1.
	SPP int
	// Seed selects the random numbers: pixel i (row-major index y*W + x) uses
	// its own PCG stream seeded from (Seed, i), so the image depends only on
	// (scene, size, SPP, Seed, MaxDepth, RRDepth), never on Workers. Renders
	// with different seeds are independent.
	Seed uint64
	// Workers is the number of goroutines (rows are handed out one at a
	// time); 0 means runtime.NumCPU().
	Workers int
	// MaxDepth caps the number of scattering events per path; 0 means
	// DefaultMaxDepth. MaxDepth 1 gives direct lighting only.
	MaxDepth int
	// RRDepth is the number of scattering events after which Russian roulette
	// starts; 0 means DefaultRRDepth.
	RRDepth int
}

// Image is an HDR image of linear radiance: Pix: [H, W, 3] float32,
// row-major, row 0 at the top, RGB channels last.
type Image struct {
	H, W int
	Pix  []float32
}

// At returns the radiance (R, G, B) of pixel (x, y), y counted from the top.
func (im *Image) At(x, y int) (r, g, b float32) {
	o := (y*im.W + x) * 3
	return im.Pix[o], im.Pix[o+1], im.Pix[o+2]
}

// Render path-traces the scene and returns the mean of opt.SPP samples per
// pixel, an unbiased estimate of the pixel's radiance (box filter over the
// pixel). It returns an error for an invalid scene or options.
//
// The estimator is unidirectional path tracing with next-event estimation
// (NEE). A path starts at the camera through a uniformly jittered point of
// the pixel. It adds the emission Le of the first surface it meets, then at
// every surface point x (normal n, albedo rho):
//
//   - NEE: a point y is drawn uniformly by area on the emitting primitives
//     (total area A), and if x and y see each other the path adds
//     beta * rho/pi * Le(y) * cos(theta_x) cos(theta_y) / |x-y|^2 * A;
//   - it continues in a direction drawn with density cos(theta)/pi around n
//     (cosine-weighted hemisphere), so beta *= f_r cos / pdf = rho;
//   - after RRDepth events, Russian roulette keeps the path with probability
//     q = min(0.95, max_c beta_c) and divides beta by q (unbiased);
//   - the emission of surfaces met by these continuation rays is not added:
//     NEE already counted light arriving at x from emitters directly, and
//     adding both would count it twice (no MIS here).
//
// Surfaces reflect on both sides; emission is one-sided (see [Material]).
func Render(s *Scene, opt Options) (*Image, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if opt.Width < 1 || opt.Height < 1 {
		return nil, fmt.Errorf("render: image size %dx%d, want >= 1x1", opt.Width, opt.Height)
	}
	if opt.SPP < 1 {
		return nil, fmt.Errorf("render: SPP = %d, want >= 1", opt.SPP)
	}
	if opt.Workers < 0 || opt.MaxDepth < 0 || opt.RRDepth < 0 {
		return nil, fmt.Errorf("render: Workers, MaxDepth, RRDepth must be >= 0 (got %d, %d, %d)",
			opt.Workers, opt.MaxDepth, opt.RRDepth)
	}
	if opt.MaxDepth == 0 {
		opt.MaxDepth = DefaultMaxDepth
	}
	if opt.RRDepth == 0 {
		opt.RRDepth = DefaultRRDepth
	}
	workers := opt.Workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	workers = min(workers, opt.Height)

	c := compile(s)
	im := &Image{H: opt.Height, W: opt.Width, Pix: make([]float32, opt.Height*opt.Width*3)}
	aspect := float64(opt.Height) / float64(opt.Width)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				y := int(next.Add(1) - 1)
				if y >= opt.Height {
					return
				}
				for x := range opt.Width {
					idx := y*opt.Width + x
					rng := newPixelRNG(opt.Seed, uint64(idx))
					var sum RGB
					for range opt.SPP {
						px := (float64(x) + rng.float()) / float64(opt.Width)
						py := (float64(y) + rng.float()) / float64(opt.Height)
						sx := (2*px - 1) * c.cam.tanX
						sy := (1 - 2*py) * c.cam.tanX * aspect
						d := c.cam.fwd.Add(c.cam.right.Scale(sx)).Add(c.cam.up.Scale(sy)).Norm()
						sum = sum.Add(c.radiance(c.cam.pos, d, rng, opt.MaxDepth, opt.RRDepth))
					}
					for k := range 3 {
						im.Pix[idx*3+k] = float32(sum[k] / float64(opt.SPP))
					}
				}
			}
		})
	}
	wg.Wait()
	return im, nil
}

// radiance estimates the radiance arriving at o from direction -d.
func (c *compiled) radiance(o, d Vec3, rng *pixelRNG, maxDepth, rrDepth int) RGB {
	h, ok := c.intersect(o, d, 0, math.Inf(1))
	if !ok {
		return RGB{}
	}
	var L RGB
	if h.nf.Dot(d) < 0 { // the camera sees the front side
		L = h.prim.mat.Emission
	}
	beta := RGB{1, 1, 1}
	for depth := 1; ; depth++ {
		rho := h.prim.mat.Albedo
		if rho.IsZero() {
			break
		}
		// Shading normal facing the incoming ray (two-sided reflection).
		n := h.nf
		if n.Dot(d) > 0 {
			n = n.Scale(-1)
		}
		x := h.p.Add(n.Scale(c.eps))

		// Next-event estimation.
		if len(c.lights) > 0 {
			le := c.sampleLight(x, n, rng)
			L = L.Add(beta.Mul(rho).Mul(le).Scale(1 / math.Pi))
		}
		if depth >= maxDepth {
			break
		}

		// Cosine-weighted continuation: f_r cos / pdf = rho.
		d = cosineSample(n, rng.float(), rng.float())
		beta = beta.Mul(rho)
		if depth >= rrDepth {
			q := min(rrMaxSurvival, beta.Max())
			if rng.float() >= q {
				break
			}
			beta = beta.Scale(1 / q)
		}
		h, ok = c.intersect(x, d, 0, math.Inf(1))
		if !ok {
			break
		}
	}
	return L
}

// sampleLight returns one-sample estimate of the integral over the emitters'
// area of Le(y) cos(theta_x) cos(theta_y) / |x-y|^2 V(x, y) for the
// surface point x with unit normal n (to be multiplied by rho/pi).
func (c *compiled) sampleLight(x, n Vec3, rng *pixelRNG) RGB {
	u := rng.float() * c.lightArea
	i := 0
	for i < len(c.lightCDF)-1 && c.lightCDF[i] <= u {
		i++
	}
	lp := &c.prims[c.lights[i]]
	y, ny := lp.samplePoint(rng.float(), rng.float())
	w := y.Sub(x)
	d2 := w.Dot(w)
	if d2 == 0 {
		return RGB{}
	}
	dist := math.Sqrt(d2)
	w = w.Scale(1 / dist)
	cosX := n.Dot(w)
	cosY := -ny.Dot(w)
	if cosX <= 0 || cosY <= 0 {
		return RGB{}
	}
	if c.occluded(x, w, 0, dist*(1-1e-7)-c.eps) {
		return RGB{}
	}
	return lp.mat.Emission.Scale(cosX * cosY / d2 * c.lightArea)
}

// cosineSample draws a unit direction around n with density cos(theta)/pi
// (Malley's method: uniform on the unit disk, projected up).
func cosineSample(n Vec3, u1, u2 float64) Vec3 {
	r := math.Sqrt(u1)
	phi := 2 * math.Pi * u2
	t, b := onb(n)
	z := math.Sqrt(max(0, 1-u1))
	return t.Scale(r * math.Cos(phi)).Add(b.Scale(r * math.Sin(phi))).Add(n.Scale(z))
}

// pixelRNG is a PCG (math/rand/v2) stream for one pixel of one render.
type pixelRNG struct{ pcg rand.PCG }

// newPixelRNG seeds a PCG from (seed, pixel) through SplitMix64, so nearby
// pixels and seeds get unrelated streams.
func newPixelRNG(seed, pixel uint64) *pixelRNG {
	s1 := splitmix64(splitmix64(seed) ^ pixel)
	s2 := splitmix64(s1 ^ 0x6a09e667f3bcc909)
	r := &pixelRNG{}
	r.pcg.Seed(s1, s2)
	return r
}

// float returns a uniform float64 in [0, 1).
func (r *pixelRNG) float() float64 { return float64(r.pcg.Uint64()>>11) * 0x1p-53 }

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
