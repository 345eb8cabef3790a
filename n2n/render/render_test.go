package render

import (
	"math"
	"reflect"
	"testing"
)

// furnace returns a closed sphere of radius 1 (normals inward) in which every
// surface has albedo rho and emits le, seen by a camera at its centre.
func furnace(rho, le RGB) *Scene {
	m := Material{Albedo: rho, Emission: le}
	return &Scene{
		Camera:  Camera{Position: V(0, 0, 0), LookAt: V(0, 0, 1), Up: V(0, 1, 0), FOV: 90},
		Spheres: []Sphere{{Center: V(0, 0, 0), Radius: 1, Inward: true, Material: m}},
	}
}

// channelStats returns, per channel, the mean of the pixel values and the
// standard error of that mean (pixels are independent).
func channelStats(im *Image) (mean, se RGB) {
	n := float64(im.H * im.W)
	for k := range 3 {
		var s, s2 float64
		for i := k; i < len(im.Pix); i += 3 {
			v := float64(im.Pix[i])
			s += v
			s2 += v * v
		}
		m := s / n
		mean[k] = m
		se[k] = math.Sqrt(max(0, s2/n-m*m) / (n - 1))
	}
	return mean, se
}

// In a sphere seen from inside, cos(theta_x) cos(theta_y) / |x-y|^2 is the
// constant 1/(4R^2) for any two points, so next-event estimation with area
// sampling returns exactly rho/pi * Le * (4 pi R^2)/(4 R^2) = rho Le: with
// MaxDepth = d (and no roulette before) every pixel is exactly
// Le (1 + rho + ... + rho^d), a closed form with zero variance.
func TestFurnaceTruncatedClosedForm(t *testing.T) {
	rho, le := RGB{0.2, 0.5, 0.8}, RGB{1, 2, 0.5}
	for _, depth := range []int{1, 2, 3} {
		im, err := Render(furnace(rho, le), Options{Width: 8, Height: 8, SPP: 4, Seed: 3, MaxDepth: depth, RRDepth: 10})
		if err != nil {
			t.Fatal(err)
		}
		for k := range 3 {
			want, p := 0.0, 1.0
			for range depth + 1 {
				want += p
				p *= rho[k]
			}
			want *= le[k]
			for i := k; i < len(im.Pix); i += 3 {
				if math.Abs(float64(im.Pix[i])-want) > 1e-5*want {
					t.Fatalf("depth %d channel %d pixel %d: %v, want %v", depth, k, i/3, im.Pix[i], want)
				}
			}
		}
	}
}

// White furnace with Russian roulette: radiance Le / (1 - rho) everywhere.
func TestFurnaceSphere(t *testing.T) {
	rho, le := RGB{0.2, 0.5, 0.8}, RGB{1, 1, 1}
	im, err := Render(furnace(rho, le), Options{Width: 32, Height: 32, SPP: 16, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	mean, se := channelStats(im)
	for k := range 3 {
		want := le[k] / (1 - rho[k])
		t.Logf("channel %d: mean %.4f +- %.4f, want %.4f", k, mean[k], se[k], want)
		if math.Abs(mean[k]-want) > 4.5*se[k] {
			t.Errorf("channel %d: mean radiance %.4f, want %.4f (standard error %.4f)", k, mean[k], want, se[k])
		}
		if se[k] > 0.01*want {
			t.Errorf("channel %d: standard error %.4f too large for a sharp test", k, se[k])
		}
	}
}

// Furnace with occluders: a sphere and a tetrahedron (outward normals) inside
// the emitting enclosure, all of albedo rho and emission Le. The radiance is
// still Le / (1 - rho) everywhere, but now next-event estimation must pick
// among three emitters by area, sample triangles, respect one-sided emission
// and test visibility.
func TestFurnaceOccluders(t *testing.T) {
	rho, le := RGB{0.5, 0.6, 0.3}, RGB{1, 0.5, 2}
	s := furnace(rho, le)
	m := s.Spheres[0].Material
	s.Camera.Position = V(0, 0, -0.6)
	s.Spheres = append(s.Spheres, Sphere{Center: V(0.35, 0.1, 0.3), Radius: 0.25, Material: m})
	// Tetrahedron, every face wound so that its normal points outward.
	p := []Vec3{V(-0.5, -0.3, 0.1), V(-0.1, -0.3, 0.2), V(-0.3, -0.3, 0.5), V(-0.3, 0.1, 0.3)}
	ctr := p[0].Add(p[1]).Add(p[2]).Add(p[3]).Scale(0.25)
	for _, f := range [][3]int{{0, 1, 2}, {0, 1, 3}, {1, 2, 3}, {0, 2, 3}} {
		tr := Triangle{p[f[0]], p[f[1]], p[f[2]], m}
		if tr.Normal().Dot(tr.A.Sub(ctr)) < 0 {
			tr.B, tr.C = tr.C, tr.B
		}
		s.Triangles = append(s.Triangles, tr)
	}
	im, err := Render(s, Options{Width: 32, Height: 32, SPP: 16, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	mean, se := channelStats(im)
	for k := range 3 {
		want := le[k] / (1 - rho[k])
		t.Logf("channel %d: mean %.4f +- %.4f, want %.4f", k, mean[k], se[k], want)
		if math.Abs(mean[k]-want) > 4.5*se[k] || se[k] > 0.02*want {
			t.Errorf("channel %d: mean radiance %.4f, want %.4f (standard error %.4f)", k, mean[k], want, se[k])
		}
	}
}

func TestDeterminism(t *testing.T) {
	s := Variation(4)
	opt := Options{Width: 20, Height: 12, SPP: 2, Seed: 9}
	var ref *Image
	for _, w := range []int{1, 3, 0, 1} {
		opt.Workers = w
		im, err := Render(s, opt)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = im
			continue
		}
		if !reflect.DeepEqual(im.Pix, ref.Pix) {
			t.Fatalf("Workers = %d gives a different image", w)
		}
	}
	opt.Seed = 10
	other, err := Render(s, opt)
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for i := range other.Pix {
		if other.Pix[i] == ref.Pix[i] {
			same++
		}
	}
	// Pixels that see only the black outside are 0 in both; the rest differ.
	if same > len(ref.Pix)/4 {
		t.Errorf("seeds 9 and 10 share %d of %d values", same, len(ref.Pix))
	}
}

func TestShapeFiniteAndOrientation(t *testing.T) {
	for seed := range uint64(4) {
		im, err := Render(Variation(seed), Options{Width: 24, Height: 16, SPP: 2, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if im.W != 24 || im.H != 16 || len(im.Pix) != 16*24*3 {
			t.Fatalf("image %dx%d with %d values, want 24x16x3", im.W, im.H, len(im.Pix))
		}
		var sum float64
		for i, v := range im.Pix {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || v < 0 {
				t.Fatalf("seed %d: value %v at %d", seed, v, i)
			}
			sum += float64(v)
		}
		if sum == 0 {
			t.Fatalf("seed %d: black image", seed)
		}
	}
	// Red wall on the left, green on the right (as in cornell.pov).
	im, err := Render(CornellBox(), Options{Width: 16, Height: 16, SPP: 16, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	col := func(x int) (r, g float64) {
		for y := 4; y < 12; y++ {
			rr, gg, _ := im.At(x, y)
			r, g = r+float64(rr), g+float64(gg)
		}
		return r, g
	}
	lr, lg := col(0)
	rr, rg := col(15)
	if !(lr > 3*lg && rg > 3*rr) {
		t.Errorf("left column R,G = %.3f,%.3f; right column R,G = %.3f,%.3f: want red left, green right", lr, lg, rr, rg)
	}
}

// The mean of K independent renders at s spp approaches a reference at R spp:
// with sigma^2 the per-pixel variance of one sample, the expected squared error
// is sigma^2 (1/(K s) + 1/R), so the error falls as 1/sqrt(K) until the
// reference's own noise dominates. sigma^2 is measured from the spread of the
// K renders themselves.
//
// The camera is tilted 7 degrees down so that the light is out of view:
// pixels that see the edge of the light (Le = 40 on a mean of about 0.3) are
// Bernoulli variables with a variance a thousand times that of the others,
// and a handful of them would make a single render's error a lottery.
func TestMeanOfRendersConverges(t *testing.T) {
	const w, h, s, kMax, refSPP = 16, 16, 4, 16, 2048
	scene := CornellBox()
	scene.Camera.LookAt.Y = 27.3 - 80*math.Tan(7*math.Pi/180)
	ref, err := Render(scene, Options{Width: w, Height: h, SPP: refSPP, Seed: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := len(ref.Pix)
	renders := make([][]float32, kMax)
	for k := range renders {
		im, err := Render(scene, Options{Width: w, Height: h, SPP: s, Seed: uint64(k + 1)})
		if err != nil {
			t.Fatal(err)
		}
		renders[k] = im.Pix
	}
	// Per-value variance of one s-spp render, averaged over values.
	var varS, refNorm float64
	for i := range n {
		var m, m2 float64
		for k := range kMax {
			v := float64(renders[k][i])
			m += v
			m2 += v * v
		}
		m /= kMax
		varS += (m2 - kMax*m*m) / (kMax - 1)
		refNorm += float64(ref.Pix[i]) * float64(ref.Pix[i])
	}
	varS /= float64(n)
	var prev float64
	for _, K := range []int{1, 4, 16} {
		// Average over the kMax/K disjoint groups of K renders.
		var mse, bias float64
		for g := 0; g < kMax; g += K {
			for i := range n {
				var m float64
				for k := g; k < g+K; k++ {
					m += float64(renders[k][i])
				}
				m /= float64(K)
				d := m - float64(ref.Pix[i])
				mse += d * d
				bias += d
			}
		}
		groups := float64(kMax / K)
		mse /= float64(n) * groups
		bias /= float64(n) * groups
		want := varS/float64(K) + varS*s/refSPP
		relErr := math.Sqrt(mse * float64(n) / refNorm)
		t.Logf("K=%2d: relative error %.4f, MSE %.3g (predicted %.3g), mean difference %.2g", K, relErr, mse, want, bias)
		if mse < 0.6*want || mse > 1.6*want {
			t.Errorf("K=%d: MSE %.3g, predicted %.3g", K, mse, want)
		}
		// Mean difference over all values and groups: its standard error is
		// sqrt(want / (n groups)) if the errors of values were independent.
		if se := math.Sqrt(want / (float64(n) * groups)); math.Abs(bias) > 5*se {
			t.Errorf("K=%d: mean difference %.3g, beyond 5 standard errors %.3g", K, bias, se)
		}
		// 1/sqrt(K): from K to 4K the error should halve (the reference's own
		// noise, 1/8 of the K=16 error's variance here, slows it slightly).
		if prev > 0 && relErr > prev/1.6 {
			t.Errorf("K=%d: relative error %.4f did not fall enough from %.4f", K, relErr, prev)
		}
		prev = relErr
	}
}

func TestVariation(t *testing.T) {
	if !reflect.DeepEqual(Variation(3), Variation(3)) {
		t.Fatal("Variation(3) is not deterministic")
	}
	canon := CornellBox()
	power := func(s *Scene) float64 {
		var p float64
		for _, tr := range s.Triangles {
			p += tr.Material.Emission[0] * tr.Area()
		}
		return p
	}
	spheres := 0
	for seed := range uint64(40) {
		s := Variation(seed)
		if err := s.Validate(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if reflect.DeepEqual(s.Camera, Variation(seed+1).Camera) {
			t.Fatalf("seeds %d and %d give the same camera", seed, seed+1)
		}
		if p, q := power(s), power(canon); math.Abs(p-q) > 1e-9*q {
			t.Errorf("seed %d: light power %v, canonical %v", seed, p, q)
		}
		in := func(p Vec3) bool {
			return p.X >= 0 && p.X <= 55.6 && p.Y >= 0 && p.Y <= 54.88 && p.Z >= 0 && p.Z <= 55.92
		}
		for i, tr := range s.Triangles {
			if !in(tr.A) || !in(tr.B) || !in(tr.C) {
				t.Errorf("seed %d: triangle %d outside the box", seed, i)
			}
			if !tr.Material.Emission.IsZero() && tr.Normal().Y > -0.999 {
				t.Errorf("seed %d: light triangle %d does not face down", seed, i)
			}
		}
		for _, sp := range s.Spheres {
			lo, hi := sp.Center.Sub(V(sp.Radius, sp.Radius, sp.Radius)), sp.Center.Add(V(sp.Radius, sp.Radius, sp.Radius))
			if !in(lo) || !in(hi) || math.Abs(sp.Center.Y-sp.Radius) > 1e-12 {
				t.Errorf("seed %d: sphere %+v not resting inside the box", seed, sp)
			}
		}
		spheres += len(s.Spheres)
	}
	// Each of 2 objects is a sphere with probability 1/4: 20 of 80 expected.
	if spheres < 8 || spheres > 35 {
		t.Errorf("%d spheres in 40 variations, expected about 20", spheres)
	}
}

func TestValidateErrors(t *testing.T) {
	bad := map[string]func(s *Scene){
		"fov":         func(s *Scene) { s.Camera.FOV = 0 },
		"look at":     func(s *Scene) { s.Camera.LookAt = s.Camera.Position },
		"up parallel": func(s *Scene) { s.Camera.Up = s.Camera.LookAt.Sub(s.Camera.Position) },
		"degenerate":  func(s *Scene) { s.Triangles[0].C = s.Triangles[0].A },
		"albedo":      func(s *Scene) { s.Triangles[0].Material.Albedo[1] = 1.2 },
		"emission":    func(s *Scene) { s.Triangles[0].Material.Emission[2] = -1 },
		"nan":         func(s *Scene) { s.Triangles[3].B.X = math.NaN() },
		"radius":      func(s *Scene) { s.Spheres = []Sphere{{Radius: -1}} },
	}
	for name, f := range bad {
		s := CornellBox()
		f(s)
		if _, err := Render(s, Options{Width: 2, Height: 2, SPP: 1}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for _, o := range []Options{{Width: 0, Height: 2, SPP: 1}, {Width: 2, Height: 2, SPP: 0}, {Width: 2, Height: 2, SPP: 1, Workers: -1}} {
		if _, err := Render(CornellBox(), o); err == nil {
			t.Errorf("options %+v: no error", o)
		}
	}
	if _, err := Render(nil, Options{Width: 2, Height: 2, SPP: 1}); err == nil {
		t.Error("nil scene: no error")
	}
}

func TestToneMapAndLosses(t *testing.T) {
	if got := Reinhard(1); got != 0.5 {
		t.Errorf("Reinhard(1) = %v, want 0.5", got)
	}
	if got, want := ToneMapValue(1), math.Pow(0.5, 1/2.2); math.Abs(float64(got)-want) > 1e-6 {
		t.Errorf("ToneMapValue(1) = %v, want %v", got, want)
	}
	if ToneMapValue(0) != 0 || ToneMapValue(-1) != 0 || ToneMapValue(float32(math.NaN())) != 0 {
		t.Error("ToneMapValue of 0, -1, NaN should be 0")
	}
	if v := ToneMapValue(1e30); v > 1 || v < 0.999 {
		t.Errorf("ToneMapValue(1e30) = %v, want just under 1", v)
	}
	tm := ToneMap([]float32{0, 0.1, 1, 10, 100})
	for i := 1; i < len(tm); i++ {
		if !(tm[i] > tm[i-1]) {
			t.Errorf("ToneMap not increasing: %v", tm)
		}
	}
	// (1-0.5)^2/(1.01)^2 and (0-0.01)^2/0.01^2, averaged.
	l, err := LHDR([]float32{1, 0}, []float32{0.5, 0.01})
	if want := (0.25/(1.01*1.01) + 1) / 2; err != nil || math.Abs(l-want) > 1e-6 {
		t.Errorf("LHDR = %v, %v; want %v", l, err, want)
	}
	r, err := RelMSE([]float32{1, 2}, []float32{0.5, 2})
	if want := 0.25 / 0.26 / 2; err != nil || math.Abs(r-want) > 1e-6 {
		t.Errorf("RelMSE = %v, %v; want %v", r, err, want)
	}
	if _, err := LHDR([]float32{1}, []float32{1, 2}); err == nil {
		t.Error("LHDR length mismatch: no error")
	}
	if _, err := LHDR([]float32{-0.5}, []float32{1}); err == nil {
		t.Error("LHDR prediction -0.5: no error")
	}
	if _, err := RelMSE(nil, nil); err == nil {
		t.Error("RelMSE empty: no error")
	}
	im := &Image{H: 1, W: 2, Pix: []float32{0, 0, 0, 1, 1e9, 0.1}}
	m := im.RGBA()
	if c := m.RGBAAt(0, 0); c.R != 0 || c.A != 255 {
		t.Errorf("black pixel -> %v", c)
	}
	if c := m.RGBAAt(1, 0); c.R != 186 || c.G != 255 {
		t.Errorf("pixel (1, 1e9, .1) -> %v, want R = round(255*0.5^(1/2.2)) = 186, G = 255", c)
	}
}

func BenchmarkRender64(b *testing.B) {
	s := CornellBox()
	opt := Options{Width: 64, Height: 64, SPP: 16}
	for b.Loop() {
		opt.Seed++
		if _, err := Render(s, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*64*64*16)/b.Elapsed().Seconds(), "samples/s")
}
