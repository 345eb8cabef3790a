package n2n

import (
	"math"
	"testing"
)

func TestIdentityUnbiasedNoise(t *testing.T) {
	cases := []struct {
		name     string
		delta    TargetNoise
		noiseVar float64 // E||delta||^2 in closed form (0: not checked)
	}{
		{"gaussian", GaussianTarget(0.2), 4 * 0.04},
		{"uniform", UniformTarget(0.3), 4 * 0.09 / 3},
		{"poisson-centred", PoissonTarget(10), 0}, // E||delta||^2 = E sum |x_i| / lambda
		{"sign-flip (dependent on eps)", SignFlipTarget(), 4 * 0.01},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultIdentityConfig()
			cfg.Delta = tc.delta
			r, err := IdentityCheck(cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("LHS %v  RHS %v  diff %v (unpaired se %.2g)", r.Noisy, r.RHS, r.Diff, r.UnpairedStdErr)
			if !r.Diff.Contains(0) {
				t.Errorf("95%% CI of LHS - RHS %v excludes 0 for unbiased noise", r.Diff)
			}
			// LHS and RHS agree within their (unpaired) uncertainty too.
			if d := math.Abs(r.Noisy.Mean - r.RHS.Mean); d > 4*r.UnpairedStdErr {
				t.Errorf("|LHS - RHS| = %.3g > 4 unpaired se %.3g", d, r.UnpairedStdErr)
			}
			// Pairing removes the shared variance of ||phi - X||^2 and ||delta||^2
			// (their covariance with LHS is positive): the paired se is smaller.
			if !(r.Diff.StdErr < r.UnpairedStdErr) {
				t.Errorf("paired se %.3g not < unpaired se %.3g", r.Diff.StdErr, r.UnpairedStdErr)
			}
			// The per-sample difference is exactly the cross term, so Diff = LHS - RHS
			// holds to rounding for the means.
			if d := r.Noisy.Mean - r.RHS.Mean - r.Diff.Mean; math.Abs(d) > 1e-9 {
				t.Errorf("LHS - RHS - Diff = %g, want 0", d)
			}
			if tc.noiseVar > 0 && math.Abs(r.NoiseVar.Mean-tc.noiseVar) > 4*r.NoiseVar.StdErr {
				t.Errorf("E||delta||^2 = %v, want %g", r.NoiseVar, tc.noiseVar)
			}
		})
	}
}

// For Poisson-centred noise E||delta||^2 = sum_i E|X_i| / lambda; with the
// default mixture E X_i = 0.7*0.3 + 0.3*0.8 = 0.45 (X_i > 0 but for ~1e-9).
func TestIdentityPoissonVariance(t *testing.T) {
	cfg := DefaultIdentityConfig()
	cfg.Delta = PoissonTarget(10)
	r, err := IdentityCheck(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := 4 * 0.45 / 10
	if math.Abs(r.NoiseVar.Mean-want) > 4*r.NoiseVar.StdErr {
		t.Errorf("E||delta||^2 = %v, want %g", r.NoiseVar, want)
	}
}

func TestIdentityFailsForBiasedOrSharedNoise(t *testing.T) {
	// Biased: the difference is -2 b E[sum_i tanh(X_i + eps_i) - X_i] > 0
	// since tanh(y) < y for y > 0.
	cfg := DefaultIdentityConfig()
	cfg.Delta = BiasedTarget(GaussianTarget(0.2), 0.02)
	r, err := IdentityCheck(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("biased: diff %v", r.Diff)
	if !(r.Diff.Lo > 0 && r.Diff.Mean > 10*r.Diff.StdErr) {
		t.Errorf("biased delta: diff %v should exclude 0 by > 10 se", r.Diff)
	}
	// Same noise in input and target: the difference is
	// -2 E<tanh(X + eps) - X, eps> ~ -2 D sigma^2 E[tanh'(X)] < 0.
	cfg.Delta = SameNoiseTarget()
	r, err = IdentityCheck(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("same noise: diff %v", r.Diff)
	if !(r.Diff.Hi < 0 && -r.Diff.Mean > 10*r.Diff.StdErr) {
		t.Errorf("delta = eps: diff %v should be < 0 by > 10 se", r.Diff)
	}
	// First-order value: -2 * 4 * 0.01 * E[1 - tanh(X)^2], E over the mixture.
	approx := -2 * 4 * 0.01 * (0.7*(1-math.Pow(math.Tanh(0.3), 2)) + 0.3*(1-math.Pow(math.Tanh(0.8), 2)))
	if math.Abs(r.Diff.Mean-approx) > 0.1*math.Abs(approx) {
		t.Errorf("delta = eps: diff %.4g, first-order value %.4g", r.Diff.Mean, approx)
	}
}

func TestIdentityDeterministicAndValidated(t *testing.T) {
	cfg := DefaultIdentityConfig()
	cfg.N = 1000
	a, err := IdentityCheck(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := IdentityCheck(cfg)
	if a != b {
		t.Errorf("same seed, different results: %+v vs %+v", a, b)
	}
	cfg.Seed++
	if c, _ := IdentityCheck(cfg); c == a {
		t.Errorf("different seeds gave identical results")
	}
	for _, bad := range []func(*IdentityConfig){
		func(c *IdentityConfig) { c.N = 1 },
		func(c *IdentityConfig) { c.Dim = 0 },
		func(c *IdentityConfig) { c.Weight = 1.5 },
		func(c *IdentityConfig) { c.Sigma = -1 },
		func(c *IdentityConfig) { c.Mean1 = math.NaN() },
	} {
		c := DefaultIdentityConfig()
		bad(&c)
		if _, err := IdentityCheck(c); err == nil {
			t.Errorf("config %+v: no error", c)
		}
	}
}
