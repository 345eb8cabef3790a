package sdae

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// TestCorruptionStatistics checks the three noises on rows of 0.5 (so that
// every touched component is visible): exactly round(nu d) components per
// row changed, to 0 (masking) or to 0/1 with frequency 1/2 (salt and
// pepper), the rest untouched; Gaussian noise has mean 0, variance sigma^2
// and kurtosis 3; the same seed gives the same output.
func TestCorruptionStatistics(t *testing.T) {
	const n, d = 400, 50
	x := make([]float32, n*d)
	for i := range x {
		x[i] = 0.5
	}
	for _, c := range []Corruption{Masking(0.3), SaltPepper(0.2), Masking(0), SaltPepper(1)} {
		out, err := c.Apply(x, d, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			t.Fatal(err)
		}
		k := int(math.Round(c.Level * d))
		ones := 0
		for r := 0; r < n; r++ {
			changed := 0
			for _, v := range out[r*d : (r+1)*d] {
				switch {
				case v == 0.5:
				case v == 0:
					changed++
				case v == 1 && c.Kind == NoiseSaltPepper:
					changed++
					ones++
				default:
					t.Fatalf("%s: value %g", c, v)
				}
			}
			if changed != k {
				t.Fatalf("%s: row %d has %d corrupted components, want %d", c, r, changed, k)
			}
		}
		if c.Kind == NoiseSaltPepper {
			// Binomial(n k, 1/2): 5 standard deviations.
			m := float64(n * k)
			if f := float64(ones); math.Abs(f-m/2) > 5*math.Sqrt(m/4) {
				t.Errorf("%s: %d ones among %g corrupted, want about half", c, ones, m)
			}
		}
		again, _ := c.Apply(x, d, rand.New(rand.NewPCG(3, 4)))
		for i := range out {
			if out[i] != again[i] {
				t.Fatalf("%s: not deterministic at %d", c, i)
			}
		}
	}
	// Masking positions are uniform: each component is masked in about nu of the rows.
	out, _ := Masking(0.3).Apply(x, d, rand.New(rand.NewPCG(5, 6)))
	for j := 0; j < d; j++ {
		cnt := 0
		for r := 0; r < n; r++ {
			if out[r*d+j] == 0 {
				cnt++
			}
		}
		if math.Abs(float64(cnt)-0.3*n) > 5*math.Sqrt(n*0.3*0.7) {
			t.Errorf("component %d masked %d times of %d, want ~%g", j, cnt, n, 0.3*n)
		}
	}

	const sigma = 0.7
	out, err := Gaussian(sigma).Apply(x, d, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	var m1, m2, m4 float64
	for i, v := range out {
		e := float64(v - x[i])
		m1 += e
		m2 += e * e
		m4 += e * e * e * e
	}
	N := float64(len(out))
	m1, m2, m4 = m1/N, m2/N, m4/N
	// Standard errors: sigma/sqrt(N), sigma^2 sqrt(2/N), kurtosis sqrt(24/N).
	if math.Abs(m1) > 5*sigma/math.Sqrt(N) {
		t.Errorf("Gaussian mean %g", m1)
	}
	if math.Abs(m2-sigma*sigma) > 5*sigma*sigma*math.Sqrt(2/N) {
		t.Errorf("Gaussian variance %g, want %g", m2, sigma*sigma)
	}
	if k := m4 / (m2 * m2); math.Abs(k-3) > 5*math.Sqrt(24/N) {
		t.Errorf("Gaussian kurtosis %g, want 3", k)
	}

	// Salt and pepper with a value range: same positions and coin flips as
	// the default (the same draws), values lo and hi instead of 0 and 1.
	def, _ := SaltPepper(0.2).Apply(x, d, rand.New(rand.NewPCG(7, 8)))
	rng, _ := SaltPepperRange(0.2, -3, 2.5).Apply(x, d, rand.New(rand.NewPCG(7, 8)))
	for i := range def {
		want := map[float32]float32{0.5: 0.5, 0: -3, 1: 2.5}[def[i]]
		if rng[i] != want {
			t.Fatalf("SaltPepperRange: component %d is %g where the default gave %g", i, rng[i], def[i])
		}
	}
	if s := SaltPepperRange(0.2, -3, 2.5).String(); s != "SP(0.2,-3:2.5)" {
		t.Errorf("String %q", s)
	}

	for _, bad := range []Corruption{Masking(-0.1), SaltPepper(1.5), Gaussian(math.NaN()), {Kind: 7},
		SaltPepperRange(0.1, 1, 1), SaltPepperRange(0.1, 2, -2), SaltPepperRange(0.1, math.Inf(-1), 1)} {
		if _, err := bad.Apply(x, d, rand.New(rand.NewPCG(1, 1))); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if _, err := Masking(0.1).Apply(x[:7], d, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("ragged input: no error")
	}
}

// refDAE computes, in float64, the tied or untied DAE loss for x~ (xt), x.
func refDAE(kind LossKind, linear bool, xt, x, w, b, wp, bp []float64, B, d, H int) float64 {
	loss := 0.0
	for i := 0; i < B; i++ {
		h := make([]float64, H)
		for j := 0; j < H; j++ {
			s := b[j]
			for k := 0; k < d; k++ {
				s += w[j*d+k] * xt[i*d+k]
			}
			h[j] = 1 / (1 + math.Exp(-s))
		}
		for k := 0; k < d; k++ {
			a := bp[k]
			for j := 0; j < H; j++ {
				if wp == nil {
					a += w[j*d+k] * h[j]
				} else {
					a += wp[k*H+j] * h[j]
				}
			}
			z := a
			if !linear {
				z = 1 / (1 + math.Exp(-a))
			}
			xv := x[i*d+k]
			if kind == LossCrossEntropy {
				loss -= xv*math.Log(z) + (1-xv)*math.Log(1-z)
			} else {
				loss += (xv - z) * (xv - z)
			}
		}
	}
	return loss / float64(B)
}

func randVec(rng *rand.Rand, n int, lo, hi float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = lo + (hi-lo)*rng.Float64()
	}
	return v
}

// TestDAELossAndTiedGradient compares the graph's loss with the float64
// reference (cross-entropy with sigmoid decoder, squared with linear and
// untied decoder), and the graph's gradient of the tied-weight loss w.r.t.
// W (which enters encoder and decoder) with central finite differences.
func TestDAELossAndTiedGradient(t *testing.T) {
	const B, d, H = 3, 5, 4
	rng := rand.New(rand.NewPCG(7, 8))
	x := randVec(rng, B*d, 0, 1)
	xt := randVec(rng, B*d, 0, 1)
	w := randVec(rng, H*d, -1, 1)
	b := randVec(rng, H, -0.5, 0.5)
	wp := randVec(rng, d*H, -1, 1)
	bp := randVec(rng, d, -0.5, 0.5)
	be := backend.Shared()
	T := func(v []float64, dims ...int) *tensors.Tensor { return tensors.FromFlatDataAndDimensions(v, dims...) }

	for _, tc := range []struct {
		kind   LossKind
		linear bool
		untied bool
	}{{LossCrossEntropy, false, false}, {LossSquared, true, true}, {LossSquared, false, false}} {
		exec, err := NewExec(be, func(xt, x, w, b, wp, bp *Node) (*Node, *Node) {
			var wpn *Node
			if tc.untied {
				wpn = wp
			}
			_, a, z := daeForward(xt, w, b, wpn, bp, tc.linear)
			l := ReconstructionLoss(tc.kind, x, a, z)
			return l, Gradient(l, w)[0]
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Exec(T(xt, B, d), T(x, B, d), T(w, H, d), T(b, H), T(wp, d, H), T(bp, d))
		if err != nil {
			t.Fatal(err)
		}
		got := tensors.MustCopyFlatData[float64](out[0])[0]
		grad := tensors.MustCopyFlatData[float64](out[1])
		var wpRef []float64
		if tc.untied {
			wpRef = wp
		}
		want := refDAE(tc.kind, tc.linear, xt, x, w, b, wpRef, bp, B, d, H)
		if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Errorf("%s linear=%v untied=%v: loss %.15g, reference %.15g", tc.kind, tc.linear, tc.untied, got, want)
		}
		const eps = 1e-6
		maxErr, maxG := 0.0, 0.0
		for i := range w {
			wPlus := append([]float64(nil), w...)
			wMinus := append([]float64(nil), w...)
			wPlus[i] += eps
			wMinus[i] -= eps
			fd := (refDAE(tc.kind, tc.linear, xt, x, wPlus, b, wpRef, bp, B, d, H) -
				refDAE(tc.kind, tc.linear, xt, x, wMinus, b, wpRef, bp, B, d, H)) / (2 * eps)
			maxErr = math.Max(maxErr, math.Abs(fd-grad[i]))
			maxG = math.Max(maxG, math.Abs(fd))
		}
		if maxErr > 1e-7*math.Max(1, maxG) {
			t.Errorf("%s linear=%v untied=%v: dL/dW differs from finite differences by %.3g (max |grad| %.3g)",
				tc.kind, tc.linear, tc.untied, maxErr, maxG)
		}
	}
}

// bars returns n 8x8 images, each with one or two full horizontal or
// vertical bars of value 1 on 0 (the classic "bars" toy), and the class
// (0: horizontal, 1: vertical) of the first bar.
func bars(n int, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 0))
	x := make([]float32, n*64)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		img := x[i*64 : (i+1)*64]
		y[i] = rng.IntN(2)
		for k := 0; k < 1+rng.IntN(2); k++ {
			p := rng.IntN(8)
			for q := 0; q < 8; q++ {
				if y[i] == 0 {
					img[p*8+q] = 1
				} else {
					img[q*8+p] = 1
				}
			}
		}
	}
	return x, y
}

// TestTrainDAEBars trains a small tied DAE with masking noise on 8x8 bars:
// the clean-input reconstruction cross-entropy must fall well below its
// value at initialisation; shapes of Encode/Weights are checked.
func TestTrainDAEBars(t *testing.T) {
	x, _ := bars(512, 1)
	cfg := DAEConfig{Name: "bars-test", Hidden: 16, Noise: Masking(0.25), Batch: 32, Steps: 300,
		LearningRate: 1e-2, Seed: 1, EvalEvery: 150}
	res, err := TrainDAE(cfg, x, 64)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Train.Evals) != 2 {
		t.Fatalf("evals %v", res.Train.Evals)
	}
	first := res.Train.Loss[0]
	final, err := res.ReconstructionError(x)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bars: loss at step 1 (corrupted) %.3g, clean reconstruction CE after %d steps %.3g; %s", first, cfg.Steps, final, res.Train)
	if !(final < 0.4*first) {
		t.Errorf("clean reconstruction CE %.3g did not fall below 0.4 x the initial %.3g", final, first)
	}
	if math.Abs(final-res.Train.Evals[1].Value) > 1e-3*final+1e-6 {
		t.Errorf("eval after last step %g != ReconstructionError %g", res.Train.Evals[1].Value, final)
	}
	h, err := res.Encode(x[:10*64])
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 10*16 {
		t.Fatalf("Encode: %d values, want 160", len(h))
	}
	for _, v := range h {
		if !(v > 0 && v < 1) {
			t.Fatalf("code %g outside (0, 1)", v)
		}
	}
	w, b, err := res.Weights()
	if err != nil || len(w) != 16*64 || len(b) != 16 {
		t.Fatalf("Weights: %d, %d, %v", len(w), len(b), err)
	}
	if _, err := TrainDAE(DAEConfig{Hidden: 4, Loss: LossCrossEntropy, LinearDecoder: true, Batch: 1, Steps: 1}, x, 64); err == nil {
		t.Error("cross-entropy with linear decoder: no error")
	}
	if _, err := TrainDAE(DAEConfig{Hidden: 4, Batch: 1, Steps: 1}, []float32{2}, 1); err == nil {
		t.Error("cross-entropy on x > 1: no error")
	}
}
