// The natural-image experiment of Vincent et al. (2010, section 6.1, figure
// 5): DAEs trained on 12x12 natural image patches learn Gabor-like filters.
// Here: the patch preprocessing, and numbers that say how Gabor-like a
// learnt filter is (localisation, orientation selectivity, Gabor fit).
//
// Which preprocessing: the paper used Olshausen's whitened images
// (1/f-whitened with a low-pass roll-off), and so does [DefaultPatchStudy]:
// [PreprocessWhitenImages] whitens whole photos with R(f) = f exp(-(f/f0)^4)
// before cutting the patches ([WhitenImage]). Raw photos have a 1/f^2 power
// spectrum, and an autoencoder on merely normalised patches
// ([PreprocessUnitVariance]) spends its units on the few low-frequency
// directions that carry most of the variance (blobs and smooth ramps);
// whitening equalises the variance across frequencies and the roll-off
// keeps the noisy highest frequencies (and the photos' pixel-level
// content) from being amplified. Patch-level ZCA ([PreprocessZCA]) is the
// cheaper alternative; on these photos it amplified checkerboard-like
// pixel content so much that even ICA found no Gabor filters in it, while
// on whole-image-whitened patches [FastICA] finds a majority of
// Gabor-like basis functions (the check that the data are right).

package sdae

import (
	"errors"
	"fmt"
	"math"

	"github.com/dlc-go/denoising/kit/data"
	"gonum.org/v1/gonum/mat"
)

// PatchSide is the paper's patch size (12x12).
const PatchSide = 12

// Preprocess names a patch preprocessing.
type Preprocess int

const (
	// PreprocessZCA removes each patch's mean and ZCA-whitens the set:
	// x <- U diag(1/sqrt(lambda + eps)) U^T x with C = U diag(lambda) U^T
	// the covariance of the patches and eps a fraction of the mean
	// eigenvalue; zero-variance directions (the constant patch) get 0.
	PreprocessZCA Preprocess = iota
	// PreprocessUnitVariance removes each patch's mean and scales the whole
	// set by one factor to unit variance per component (on average).
	PreprocessUnitVariance
	// PreprocessWhitenImages whitens whole photos before the patches are
	// cut ([WhitenImage], [WhitenedPhotos]; Olshausen and Field's recipe,
	// the one [DefaultPatchStudy] uses). It is not a patch-level method:
	// [PreprocessPatches] rejects it, [LoadPatches] applies it.
	PreprocessWhitenImages
)

// PatchSet is a preprocessed set of patches.
type PatchSet struct {
	X    []float32 // [N, Side*Side], row-major
	N    int
	Side int
	// Method and Eps (ZCA) or F0 (whole-image whitening) used; Scale is the
	// factor of the final scaling to [PatchStudy.Variance] (1 for ZCA from
	// PreprocessPatches); Whiten is the ZCA matrix [d, d] (nil otherwise).
	Method Preprocess
	Eps    float64
	F0     float64
	Scale  float64
	Whiten []float64
	// Name labels the data (set by LoadPatches, e.g. "white-f8-0.4-b8");
	// FilterModels puts it in the models' cache keys.
	Name string
}

// NaturalPatches cuts n seeded side x side patches from gray photos (C = 1;
// data.Patches) and preprocesses them with method; eps (ZCA only, >= 0) is
// a fraction of the mean eigenvalue added to every eigenvalue.
func NaturalPatches(images []*data.Image, n, side int, seed uint64, method Preprocess, eps float64) (*PatchSet, error) {
	s, err := data.Patches("patches", images, n, side, seed)
	if err != nil {
		return nil, err
	}
	if s.C != 1 {
		return nil, fmt.Errorf("sdae: NaturalPatches needs gray images (C = 1), got C = %d", s.C)
	}
	return PreprocessPatches(s.Images, side*side, method, eps)
}

// PreprocessPatches preprocesses the rows of x ([n, d] float32) as described
// at [PatchSet]; x is not modified.
func PreprocessPatches(x []float32, d int, method Preprocess, eps float64) (*PatchSet, error) {
	if d < 1 || len(x) == 0 || len(x)%d != 0 {
		return nil, fmt.Errorf("sdae: PreprocessPatches: len(x)=%d is not a positive multiple of d=%d", len(x), d)
	}
	side := int(math.Round(math.Sqrt(float64(d))))
	if side*side != d {
		return nil, fmt.Errorf("sdae: PreprocessPatches: d=%d is not a square", d)
	}
	if !(eps >= 0) {
		return nil, fmt.Errorf("sdae: PreprocessPatches: eps must be >= 0, got %g", eps)
	}
	n := len(x) / d
	c := make([]float64, len(x))
	for i := 0; i < n; i++ {
		m := 0.0
		for _, v := range x[i*d : (i+1)*d] {
			m += float64(v)
		}
		m /= float64(d)
		for k := 0; k < d; k++ {
			c[i*d+k] = float64(x[i*d+k]) - m
		}
	}
	ps := &PatchSet{N: n, Side: side, Method: method, Eps: eps, Scale: 1, X: make([]float32, len(x))}
	switch method {
	case PreprocessUnitVariance:
		v := 0.0
		for _, e := range c {
			v += e * e
		}
		v /= float64(len(c))
		if v == 0 {
			return nil, errors.New("sdae: PreprocessPatches: all patches are constant")
		}
		ps.Scale = 1 / math.Sqrt(v)
		for i, e := range c {
			ps.X[i] = float32(e * ps.Scale)
		}
	case PreprocessZCA:
		X := mat.NewDense(n, d, c)
		var cov mat.SymDense
		cov.SymOuterK(1/float64(n), X.T())
		var eig mat.EigenSym
		if !eig.Factorize(&cov, true) {
			return nil, errors.New("sdae: PreprocessPatches: eigendecomposition failed")
		}
		lambda := eig.Values(nil)
		var u mat.Dense
		eig.VectorsTo(&u)
		mean := 0.0
		for _, l := range lambda {
			mean += l
		}
		mean /= float64(d)
		if mean <= 0 {
			return nil, errors.New("sdae: PreprocessPatches: all patches are constant")
		}
		scaled := mat.DenseCopyOf(&u)
		for j, l := range lambda {
			// Directions of (numerically) zero variance, such as the
			// constant patch that the mean removal takes out, are dropped.
			inv := 0.0
			if l > 1e-9*mean {
				inv = 1 / math.Sqrt(l+eps*mean)
			}
			for i := 0; i < d; i++ {
				scaled.Set(i, j, scaled.At(i, j)*inv)
			}
		}
		var w mat.Dense
		w.Mul(scaled, u.T())
		var out mat.Dense
		out.Mul(X, &w) // W is symmetric
		for i := 0; i < n; i++ {
			for k := 0; k < d; k++ {
				ps.X[i*d+k] = float32(out.At(i, k))
			}
		}
		ps.Whiten = make([]float64, d*d)
		for i := 0; i < d; i++ {
			for k := 0; k < d; k++ {
				ps.Whiten[i*d+k] = w.At(i, k)
			}
		}
	case PreprocessWhitenImages:
		return nil, errors.New("sdae: PreprocessPatches: PreprocessWhitenImages whitens whole photos, use WhitenedPhotos or LoadPatches")
	default:
		return nil, fmt.Errorf("sdae: unknown preprocessing %d", int(method))
	}
	return ps, nil
}

// checkFilter checks that f is side x side.
func checkFilter(f []float64, side int) error {
	if side < 2 || len(f) != side*side {
		return fmt.Errorf("sdae: filter has %d values, want %d x %d (side >= 2)", len(f), side, side)
	}
	return nil
}

// Localization is the fraction of a filter's energy sum f^2 that lies
// within radius (pixels) of its energy centroid: f is side x side,
// row-major. Near 1 for a localised filter; for a filter spread evenly
// it is about the disc's share of the image (pi r^2 / side^2).
func Localization(f []float64, side int, radius float64) (float64, error) {
	if err := checkFilter(f, side); err != nil {
		return 0, err
	}
	var e, cy, cx float64
	for i, v := range f {
		e += v * v
		cy += v * v * float64(i/side)
		cx += v * v * float64(i%side)
	}
	if e == 0 {
		return 0, errors.New("sdae: Localization of a zero filter")
	}
	cy, cx = cy/e, cx/e
	in := 0.0
	for i, v := range f {
		dy, dx := float64(i/side)-cy, float64(i%side)-cx
		if dy*dy+dx*dx <= radius*radius {
			in += v * v
		}
	}
	return in / e, nil
}

// OrientationSelectivity measures how much of a filter's spectral energy
// sits at one orientation: with P(k) the 2D power spectrum of the
// mean-removed filter (DFT, DC excluded) and theta(k) the direction of the
// wave vector k, it returns R = |sum P e^{2 i theta}| / sum P (one minus
// the circular variance of the orientations, angles doubled since k and -k
// are the same orientation): 0 for an isotropic spectrum, 1 for a single
// orientation. angle in [0, pi) is the mean wave-vector direction (the
// stripes run perpendicular to it), in image coordinates (x right, y down).
func OrientationSelectivity(f []float64, side int) (r, angle float64, err error) {
	if err := checkFilter(f, side); err != nil {
		return 0, 0, err
	}
	m := 0.0
	for _, v := range f {
		m += v
	}
	m /= float64(len(f))
	var sp, sc, ss float64
	for ky := 0; ky < side; ky++ {
		for kx := 0; kx < side; kx++ {
			if kx == 0 && ky == 0 {
				continue
			}
			var re, im float64
			for y := 0; y < side; y++ {
				for x := 0; x < side; x++ {
					ph := -2 * math.Pi * float64(ky*y+kx*x) / float64(side)
					v := f[y*side+x] - m
					re += v * math.Cos(ph)
					im += v * math.Sin(ph)
				}
			}
			p := re*re + im*im
			fy, fx := signedFreq(ky, side), signedFreq(kx, side)
			th := math.Atan2(fy, fx)
			sp += p
			sc += p * math.Cos(2*th)
			ss += p * math.Sin(2*th)
		}
	}
	if sp == 0 {
		return 0, 0, errors.New("sdae: OrientationSelectivity of a constant filter")
	}
	angle = math.Atan2(ss, sc) / 2
	if angle < 0 {
		angle += math.Pi
	}
	return math.Hypot(sc, ss) / sp, angle, nil
}

// signedFreq maps a DFT index to a signed frequency in [-side/2, side/2).
func signedFreq(k, side int) float64 {
	if 2*k >= side {
		return float64(k - side)
	}
	return float64(k)
}

// Gabor are the parameters of a 2D Gabor function on a pixel grid
// (x right, y down, pixel centres at integers):
//
//	g(x, y) = A exp(-u^2/(2 SigmaU^2) - v^2/(2 SigmaV^2)) cos(2 pi Freq u + Phase) + Offset
//	u = (x-X0) cos Theta + (y-Y0) sin Theta,  v = -(x-X0) sin Theta + (y-Y0) cos Theta
type Gabor struct {
	X0, Y0, Theta, Freq, SigmaU, SigmaV, Phase, Amplitude, Offset float64
}

// Render returns g on a side x side grid, row-major.
func (p Gabor) Render(side int) []float64 {
	out := make([]float64, side*side)
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			u := (float64(x)-p.X0)*math.Cos(p.Theta) + (float64(y)-p.Y0)*math.Sin(p.Theta)
			v := -(float64(x)-p.X0)*math.Sin(p.Theta) + (float64(y)-p.Y0)*math.Cos(p.Theta)
			env := math.Exp(-u*u/(2*p.SigmaU*p.SigmaU) - v*v/(2*p.SigmaV*p.SigmaV))
			out[y*side+x] = p.Amplitude*env*math.Cos(2*math.Pi*p.Freq*u+p.Phase) + p.Offset
		}
	}
	return out
}

// gaborLinear fits, for the nonlinear parameters q = (X0, Y0, Theta, Freq,
// log SigmaU, log SigmaV), the linear ones (a env cos + b env sin + c) by
// least squares and returns the parameters and the residual sum of squares.
func gaborLinear(f []float64, side int, q []float64) (Gabor, float64) {
	p := Gabor{X0: q[0], Y0: q[1], Theta: q[2], Freq: q[3], SigmaU: math.Exp(q[4]), SigmaV: math.Exp(q[5])}
	n := side * side
	basis := [3][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			u := (float64(x)-p.X0)*math.Cos(p.Theta) + (float64(y)-p.Y0)*math.Sin(p.Theta)
			v := -(float64(x)-p.X0)*math.Sin(p.Theta) + (float64(y)-p.Y0)*math.Cos(p.Theta)
			env := math.Exp(-u*u/(2*p.SigmaU*p.SigmaU) - v*v/(2*p.SigmaV*p.SigmaV))
			i := y*side + x
			basis[0][i] = env * math.Cos(2*math.Pi*p.Freq*u)
			basis[1][i] = env * math.Sin(2*math.Pi*p.Freq*u)
			basis[2][i] = 1
		}
	}
	g := mat.NewSymDense(3, nil)
	rhs := mat.NewVecDense(3, nil)
	for a := 0; a < 3; a++ {
		for b := a; b < 3; b++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += basis[a][i] * basis[b][i]
			}
			if a == b {
				s += 1e-9 // ridge: a vanishing envelope leaves the system singular
			}
			g.SetSym(a, b, s)
		}
		s := 0.0
		for i := 0; i < n; i++ {
			s += basis[a][i] * f[i]
		}
		rhs.SetVec(a, s)
	}
	var coef mat.VecDense
	if err := coef.SolveVec(g, rhs); err != nil {
		return p, math.Inf(1)
	}
	ca, cb, cc := coef.AtVec(0), coef.AtVec(1), coef.AtVec(2)
	rss := 0.0
	for i := 0; i < n; i++ {
		r := f[i] - ca*basis[0][i] - cb*basis[1][i] - cc*basis[2][i]
		rss += r * r
	}
	// a cos + b sin = A cos(. + phase) with A = |(a, -b)|, phase = atan2(-b, a).
	p.Amplitude, p.Phase, p.Offset = math.Hypot(ca, cb), math.Atan2(-cb, ca), cc
	return p, rss
}

// FitGabor fits a 2D [Gabor] to the side x side filter f by least squares:
// a coarse grid over orientation (12), frequency (6, 0 to 0.4 cycles per
// pixel) and the two envelope widths (4 each) with the centre at f's
// energy centroid, then Nelder-Mead from the best 3 grid points over the
// six nonlinear parameters (amplitude, phase and offset are solved
// linearly at every point). fve is the fraction of f's variance explained,
// 1 - RSS / sum (f - mean f)^2.
func FitGabor(f []float64, side int) (p Gabor, fve float64, err error) {
	if err := checkFilter(f, side); err != nil {
		return Gabor{}, 0, err
	}
	m := 0.0
	for _, v := range f {
		m += v
	}
	m /= float64(len(f))
	tss := 0.0
	var e, cy, cx float64
	for i, v := range f {
		tss += (v - m) * (v - m)
		w := (v - m) * (v - m)
		e += w
		cy += w * float64(i/side)
		cx += w * float64(i%side)
	}
	if tss == 0 {
		return Gabor{}, 0, errors.New("sdae: FitGabor of a constant filter")
	}
	cy, cx = cy/e, cx/e
	type cand struct {
		q   []float64
		rss float64
	}
	var best []cand
	for it := 0; it < 12; it++ {
		for _, fr := range []float64{0, 0.08, 0.15, 0.22, 0.3, 0.4} {
			for _, su := range []float64{1, 2, 3.5, 6} {
				for _, sv := range []float64{1, 2, 3.5, 6} {
					q := []float64{cx, cy, float64(it) * math.Pi / 12, fr, math.Log(su), math.Log(sv)}
					_, rss := gaborLinear(f, side, q)
					best = append(best, cand{q, rss})
					// Keep the 3 best.
					for k := len(best) - 1; k > 0 && best[k].rss < best[k-1].rss; k-- {
						best[k], best[k-1] = best[k-1], best[k]
					}
					if len(best) > 3 {
						best = best[:3]
					}
				}
			}
		}
	}
	obj := func(q []float64) float64 {
		if q[4] < math.Log(0.3) || q[5] < math.Log(0.3) || q[4] > math.Log(4*float64(side)) || q[5] > math.Log(4*float64(side)) {
			return math.Inf(1)
		}
		_, rss := gaborLinear(f, side, q)
		return rss
	}
	bestRSS, bestQ := math.Inf(1), best[0].q
	for _, c := range best {
		q, rss := nelderMead(obj, c.q, []float64{1, 1, 0.2, 0.03, 0.3, 0.3}, 2000)
		if rss < bestRSS {
			bestRSS, bestQ = rss, q
		}
	}
	p, rss := gaborLinear(f, side, bestQ)
	p.Theta = math.Mod(p.Theta, 2*math.Pi)
	return p, 1 - rss/tss, nil
}

// FilterStats are the "Gabor-like" numbers of one filter.
type FilterStats struct {
	Localization float64 // energy fraction within Radius of the energy centroid
	Orientation  float64 // OrientationSelectivity's R in [0, 1]
	Angle        float64 // preferred wave-vector direction in [0, pi)
	GaborFVE     float64 // variance explained by FitGabor (NaN if not fitted)
	Gabor        Gabor   // the fitted Gabor (zero if not fitted)
}

// AnalyzeFilters computes FilterStats for each row of w ([h, side*side]
// float32, e.g. a DAE's W from [DAEResult.Weights]) with the given
// localisation radius (pixels); fit runs FitGabor too (~0.1 s a filter).
func AnalyzeFilters(w []float32, side int, radius float64, fit bool) ([]FilterStats, error) {
	d := side * side
	if side < 2 || len(w) == 0 || len(w)%d != 0 {
		return nil, fmt.Errorf("sdae: AnalyzeFilters: len(w)=%d is not a positive multiple of %d", len(w), d)
	}
	out := make([]FilterStats, len(w)/d)
	f := make([]float64, d)
	for j := range out {
		for i := range f {
			f[i] = float64(w[j*d+i])
		}
		st := FilterStats{GaborFVE: math.NaN()}
		var err error
		if st.Localization, err = Localization(f, side, radius); err != nil {
			return nil, fmt.Errorf("filter %d: %w", j, err)
		}
		if st.Orientation, st.Angle, err = OrientationSelectivity(f, side); err != nil {
			return nil, fmt.Errorf("filter %d: %w", j, err)
		}
		if fit {
			if st.Gabor, st.GaborFVE, err = FitGabor(f, side); err != nil {
				return nil, fmt.Errorf("filter %d: %w", j, err)
			}
		}
		out[j] = st
	}
	return out, nil
}

// nelderMead minimises fn from x0 with initial simplex steps step, for at
// most maxEval evaluations (standard coefficients 1, 2, 0.5, 0.5).
func nelderMead(fn func([]float64) float64, x0, step []float64, maxEval int) ([]float64, float64) {
	n := len(x0)
	pts := make([][]float64, n+1)
	val := make([]float64, n+1)
	for i := range pts {
		pts[i] = append([]float64(nil), x0...)
		if i > 0 {
			pts[i][i-1] += step[i-1]
		}
		val[i] = fn(pts[i])
	}
	evals := n + 1
	at := func(c []float64, w float64, p []float64) []float64 { // c + w (c - p)
		out := make([]float64, n)
		for k := range out {
			out[k] = c[k] + w*(c[k]-p[k])
		}
		return out
	}
	for evals < maxEval {
		// Sort by value.
		for i := 1; i <= n; i++ {
			for j := i; j > 0 && val[j] < val[j-1]; j-- {
				val[j], val[j-1] = val[j-1], val[j]
				pts[j], pts[j-1] = pts[j-1], pts[j]
			}
		}
		if val[n]-val[0] <= 1e-12*(math.Abs(val[0])+1e-12) {
			break
		}
		c := make([]float64, n)
		for _, p := range pts[:n] {
			for k := range c {
				c[k] += p[k] / float64(n)
			}
		}
		r := at(c, 1, pts[n])
		fr := fn(r)
		evals++
		switch {
		case fr < val[0]:
			e := at(c, 2, pts[n])
			if fe := fn(e); fe < fr {
				pts[n], val[n] = e, fe
			} else {
				pts[n], val[n] = r, fr
			}
			evals++
		case fr < val[n-1]:
			pts[n], val[n] = r, fr
		default:
			k := at(c, -0.5, pts[n])
			fk := fn(k)
			evals++
			if fk < val[n] {
				pts[n], val[n] = k, fk
				continue
			}
			for i := 1; i <= n; i++ {
				for j := range pts[i] {
					pts[i][j] = pts[0][j] + 0.5*(pts[i][j]-pts[0][j])
				}
				val[i] = fn(pts[i])
				evals++
			}
		}
	}
	bi := 0
	for i := range val {
		if val[i] < val[bi] {
			bi = i
		}
	}
	return pts[bi], val[bi]
}
