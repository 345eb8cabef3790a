package n2n

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 99)) }

func constImage(n int, v float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = v
	}
	return x
}

func TestGaussianMoments(t *testing.T) {
	const h, w, c = 64, 64, 3
	src := constImage(h*w*c, 0.5)
	dst := make([]float32, len(src))
	g := DefaultGaussian()
	cor, err := g.Apply(dst, src, h, w, c, newRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	if cor.Param != 25.0/255 || cor.Mask != nil {
		t.Errorf("corruption %+v", cor)
	}
	res := make([]float64, len(src))
	for i := range res {
		res[i] = float64(dst[i] - src[i])
	}
	mean, sd := meanStd(res)
	n := float64(len(res))
	if math.Abs(mean) > 4*g.Sigma/math.Sqrt(n) {
		t.Errorf("noise mean %.5f, want 0 +- %.5f", mean, 4*g.Sigma/math.Sqrt(n))
	}
	// se of a Gaussian sample sd: sigma / sqrt(2n).
	if math.Abs(sd-g.Sigma) > 4*g.Sigma/math.Sqrt(2*n) {
		t.Errorf("noise sd %.5f, want %.5f", sd, g.Sigma)
	}
}

func TestGaussianBlindAndClip(t *testing.T) {
	const h, w, c = 8, 8, 1
	src := constImage(h*w*c, 0.02)
	dst := make([]float32, len(src))
	rng := newRNG(2)
	g := BlindGaussian()
	sigmas := make([]float64, 2000)
	outside := 0
	for i := range sigmas {
		cor, err := g.Apply(dst, src, h, w, c, rng)
		if err != nil {
			t.Fatal(err)
		}
		sigmas[i] = cor.Param
		for _, v := range dst {
			if v < 0 || v > 1 {
				outside++
			}
		}
	}
	// sigma ~ U[0, 50/255]: within range, mean SigmaMax/2, sd SigmaMax/sqrt(12).
	smax := 50.0 / 255
	if slices.Min(sigmas) < 0 || slices.Max(sigmas) > smax {
		t.Errorf("sigma range [%g, %g] outside [0, %g]", slices.Min(sigmas), slices.Max(sigmas), smax)
	}
	if m, _ := meanStd(sigmas); math.Abs(m-smax/2) > 4*smax/math.Sqrt(12*2000) {
		t.Errorf("mean sigma %.4f, want %.4f", m, smax/2)
	}
	if outside == 0 {
		t.Error("no value outside [0, 1] near 0: the default must not clip")
	}
	g.Clip = true
	if _, err := g.Apply(dst, src, h, w, c, rng); err != nil {
		t.Fatal(err)
	}
	if slices.Min(dst) < 0 || slices.Max(dst) > 1 {
		t.Error("Clip: values outside [0, 1]")
	}
}

// Poisson: E[y] = x and Var[y] = x / lambda, for means below and above the
// sampler's switch at lambda x = 30.
func TestPoissonMoments(t *testing.T) {
	const h, w, c = 100, 100, 1
	const lambda = 50
	levels := []float32{0, 0.1, 0.5, 0.9} // lambda x = 0, 5, 25, 45
	src := make([]float32, h*w*c)
	for i := range src {
		src[i] = levels[i%len(levels)]
	}
	dst := make([]float32, len(src))
	rng := newRNG(3)
	groups := make([][]float64, len(levels))
	for range 10 {
		cor, err := Poisson{Lambda: lambda}.Apply(dst, src, h, w, c, rng)
		if err != nil {
			t.Fatal(err)
		}
		if cor.Param != lambda {
			t.Errorf("lambda %g", cor.Param)
		}
		for i, v := range dst {
			groups[i%len(levels)] = append(groups[i%len(levels)], float64(v))
		}
	}
	for k, x := range levels {
		mean, sd := meanStd(groups[k])
		n := float64(len(groups[k]))
		vx := float64(x) / lambda
		if x == 0 {
			if mean != 0 || sd != 0 {
				t.Errorf("x = 0: y not identically 0 (mean %g, sd %g)", mean, sd)
			}
			continue
		}
		if math.Abs(mean-float64(x)) > 4*math.Sqrt(vx/n) {
			t.Errorf("x = %g: E[y] = %.5f, want %g (unbiased)", x, mean, x)
		}
		// Var of the sample variance ~ 2 v^2 / n (+ a kurtosis term 1/(lambda x) v^2 / n).
		tol := 4 * vx * math.Sqrt((2+1/(lambda*float64(x)))/n)
		if math.Abs(sd*sd-vx) > tol {
			t.Errorf("x = %g: Var[y] = %.6f, want x/lambda = %.6f (tol %.6f)", x, sd*sd, vx, tol)
		}
	}
}

func TestPoissonBlindAndErrors(t *testing.T) {
	src := constImage(16, 0.5)
	dst := make([]float32, 16)
	rng := newRNG(4)
	p := BlindPoisson()
	for range 500 {
		cor, err := p.Apply(dst, src, 4, 4, 1, rng)
		if err != nil {
			t.Fatal(err)
		}
		if cor.Param < 1 || cor.Param > 50 {
			t.Fatalf("lambda %g outside [1, 50]", cor.Param)
		}
	}
	src[3] = -0.1
	if _, err := p.Apply(dst, src, 4, 4, 1, rng); err == nil {
		t.Error("negative value: no error")
	}
	if _, err := (Poisson{}).Apply(dst, constImage(16, 0.5), 4, 4, 1, rng); err == nil {
		t.Error("lambda 0: no error")
	}
	if _, err := (Poisson{LambdaMin: 0, LambdaMax: 50}).Apply(dst, constImage(16, 0.5), 4, 4, 1, rng); err == nil {
		t.Error("LambdaMin 0: no error")
	}
}

func TestImpulseFractionAndUniformity(t *testing.T) {
	const h, w, c = 64, 64, 3
	src := constImage(h*w*c, 0.25)
	dst := make([]float32, len(src))
	const p = 0.3
	cor, err := Impulse{P: p}.Apply(dst, src, h, w, c, newRNG(5))
	if err != nil {
		t.Fatal(err)
	}
	n := float64(h * w)
	// Binomial(n, p): the replaced fraction is within 4 sd of p.
	if math.Abs(cor.Coverage-p) > 4*math.Sqrt(p*(1-p)/n) {
		t.Errorf("replaced fraction %.4f, want %g", cor.Coverage, p)
	}
	var replaced []float64
	count := 0
	for i, m := range cor.Mask {
		px := dst[i*c : (i+1)*c]
		if !m {
			if !slices.Equal(px, src[i*c:(i+1)*c]) {
				t.Fatalf("pixel %d not in mask but changed", i)
			}
			continue
		}
		count++
		for _, v := range px {
			replaced = append(replaced, float64(v))
		}
	}
	if float64(count)/n != cor.Coverage {
		t.Errorf("mask count %d vs coverage %g", count, cor.Coverage)
	}
	// Uniform on [0, 1]: chi-square over 10 bins, 9 dof, 99.9% quantile 27.88.
	var bins [10]float64
	for _, v := range replaced {
		bins[min(int(v*10), 9)]++
	}
	var chi2 float64
	e := float64(len(replaced)) / 10
	for _, b := range bins {
		chi2 += (b - e) * (b - e) / e
	}
	if chi2 > 27.88 {
		t.Errorf("replaced values not uniform: chi2 = %.1f > 27.88, bins %v", chi2, bins)
	}
	// Blind: p ~ U[0, 0.95].
	rng := newRNG(6)
	for range 200 {
		cor, err := BlindImpulse().Apply(dst, src, h, w, c, rng)
		if err != nil {
			t.Fatal(err)
		}
		if cor.Param < 0 || cor.Param > 0.95 {
			t.Fatalf("p = %g outside [0, 0.95]", cor.Param)
		}
	}
}

func TestTextCoverage(t *testing.T) {
	const h, w, c = 64, 64, 3
	src := constImage(h*w*c, 0.5)
	dst := make([]float32, len(src))
	rng := newRNG(7)
	var over []float64
	for _, p := range []float64{0.05, 0.1, 0.25, 0.4, 0.5} {
		for range 10 {
			cor, err := Text{P: p}.Apply(dst, src, h, w, c, rng)
			if err != nil {
				t.Fatal(err)
			}
			// Coverage reaches p and overshoots by at most one string.
			if cor.Coverage < p || cor.Coverage > p+0.15 {
				t.Errorf("p = %g: coverage %.4f", p, cor.Coverage)
			}
			over = append(over, cor.Coverage-p)
			covered := 0
			for i, m := range cor.Mask {
				same := slices.Equal(dst[i*c:(i+1)*c], src[i*c:(i+1)*c])
				if m == same {
					t.Fatalf("pixel %d: mask %v but unchanged = %v", i, m, same)
				}
				if m {
					covered++
				}
			}
			if float64(covered)/(h*w) != cor.Coverage {
				t.Errorf("mask count %d vs coverage %g", covered, cor.Coverage)
			}
		}
	}
	if m, _ := meanStd(over); m > 0.03 {
		t.Errorf("mean overshoot %.4f > 0.03", m)
	}
	for range 50 {
		cor, err := BlindText().Apply(dst, src, h, w, c, rng)
		if err != nil {
			t.Fatal(err)
		}
		if cor.Param < 0 || cor.Param > 0.5 {
			t.Fatalf("p = %g outside [0, 0.5]", cor.Param)
		}
	}
}

// The argument for L1 with text: across realisations, a pixel covered less
// than half of the time has its clean value as the median, while its mean
// is pulled towards the mean text colour.
func TestTextMedianIsClean(t *testing.T) {
	const h, w, c, draws = 32, 32, 1, 101
	rng := newRNG(8)
	src := make([]float32, h*w*c)
	for i := range src {
		src[i] = rng.Float32()
	}
	dst := make([]float32, len(src))
	vals := make([][]float32, len(src))
	covered := make([]int, h*w)
	for range draws {
		cor, err := Text{P: 0.3, MinSize: 8, MaxSize: 12}.Apply(dst, src, h, w, c, rng)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range cor.Mask {
			if m {
				covered[i]++
			}
		}
		for i, v := range dst {
			vals[i] = append(vals[i], v)
		}
	}
	minority, meanShift := 0, 0.0
	for i := range src {
		if 2*covered[i] >= draws {
			continue
		}
		minority++
		s := slices.Clone(vals[i])
		slices.Sort(s)
		if med := s[draws/2]; med != src[i] {
			t.Errorf("pixel %d covered %d/%d times: median %g, clean %g", i, covered[i], draws, med, src[i])
		}
		var m float64
		for _, v := range vals[i] {
			m += float64(v)
		}
		meanShift += math.Abs(m/draws - float64(src[i]))
	}
	if minority < h*w*9/10 {
		t.Errorf("only %d of %d pixels covered in < half the draws", minority, h*w)
	}
	// The mean is biased: with coverage ~0.3 and colours uniform, |E y - x| ~ 0.3 |0.5 - x| ~ 0.075.
	if ms := meanShift / float64(minority); ms < 0.03 {
		t.Errorf("mean |mean - clean| = %.4f: the mean should be visibly biased", ms)
	}
}

func TestNoiseDeterminismAndErrors(t *testing.T) {
	const h, w, c = 24, 20, 3
	rng := newRNG(9)
	src := make([]float32, h*w*c)
	for i := range src {
		src[i] = rng.Float32()
	}
	noises := map[string]Noise{
		"gaussian": BlindGaussian(), "poisson": BlindPoisson(),
		"text": BlindText(), "impulse": BlindImpulse(),
	}
	for name, nz := range noises {
		a, b, d := make([]float32, len(src)), make([]float32, len(src)), make([]float32, len(src))
		ca, err := nz.Apply(a, src, h, w, c, newRNG(42))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cb, _ := nz.Apply(b, src, h, w, c, newRNG(42))
		if !slices.Equal(a, b) || ca.Param != cb.Param || ca.Coverage != cb.Coverage {
			t.Errorf("%s: same seed, different output", name)
		}
		nz.Apply(d, src, h, w, c, newRNG(43))
		if slices.Equal(a, d) {
			t.Errorf("%s: different seeds, same output", name)
		}
		if _, err := nz.Apply(a, src, h, w+1, c, newRNG(1)); err == nil {
			t.Errorf("%s: wrong shape: no error", name)
		}
		if _, err := nz.Apply(a, src, h, w, c, nil); err == nil {
			t.Errorf("%s: nil rng: no error", name)
		}
	}
	// ApplyBatch: one parameter per image, same as image-by-image calls.
	batch := append(slices.Clone(src), src...)
	out := make([]float32, len(batch))
	cors, err := ApplyBatch(BlindGaussian(), out, batch, 2, h, w, c, newRNG(5))
	if err != nil {
		t.Fatal(err)
	}
	one := make([]float32, len(src))
	r := newRNG(5)
	for i := range 2 {
		cor, _ := BlindGaussian().Apply(one, src, h, w, c, r)
		if cor.Param != cors[i].Param || !slices.Equal(one, out[i*len(src):(i+1)*len(src)]) {
			t.Errorf("ApplyBatch image %d differs from Apply", i)
		}
	}
	if _, err := ApplyBatch(BlindGaussian(), out, batch, 3, h, w, c, newRNG(5)); err == nil {
		t.Error("ApplyBatch with a wrong N: no error")
	}
	for _, bad := range []Noise{Gaussian{Sigma: -1}, Impulse{P: 1.5}, Text{P: 0.99}, Text{MinSize: 10, MaxSize: 5}} {
		if _, err := bad.Apply(make([]float32, len(src)), src, h, w, c, newRNG(1)); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
