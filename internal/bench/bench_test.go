package bench

import (
	"math"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// wantMACs are the forward multiply-accumulates per batch, computed by
// hand from the layer lists in models.go.
var wantMACs = map[string]int64{
	"mlp2d": 100 * (2*100 + 100*2),
	// enc: 24²·25·1·32 + 20²·25·32² + 9²·16·32² + 4²·9·32² + 1·16·32·16; the decoder mirrors it.
	"dae_mnist":  2 * 100 * (24*24*25*32 + 20*20*25*1024 + 9*9*16*1024 + 4*4*9*1024 + 16*32*16),
	"sdae_layer": 100 * 2 * 784 * 1000,
}

// TestOneStep builds every workload, runs two training steps on the
// selected backend and checks: the loss is finite and positive, it
// changes after the Adam update, and the counted FLOPs match the
// hand-computed ones.
func TestOneStep(t *testing.T) {
	b := backend.Shared()
	for _, w := range Workloads() {
		t.Run(w.Name, func(t *testing.T) {
			if testing.Short() && w.Name == "unet_n2n" {
				t.Skip("unet_n2n compiles slowly; skipped with -short")
			}
			s, err := NewSession(b, w, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Finalize()
			l1, err := s.Step()
			if err != nil {
				t.Fatal(err)
			}
			l2, err := s.Step()
			if err != nil {
				t.Fatal(err)
			}
			if !(l1 > 0) || math.IsInf(float64(l1), 0) || !(l2 > 0) || math.IsInf(float64(l2), 0) {
				t.Fatalf("losses %v, %v: want finite and positive", l1, l2)
			}
			if l1 == l2 && w.Name != "sdae_layer" {
				t.Errorf("loss %v unchanged by an Adam step", l1)
			}
			if want, ok := wantMACs[w.Name]; ok && s.ForwardFLOPs() != 2*want {
				t.Errorf("forward FLOPs %d, want 2·%d", s.ForwardFLOPs(), want)
			}
			if s.ForwardFLOPs() <= 0 {
				t.Errorf("forward FLOPs %d", s.ForwardFLOPs())
			}
			t.Logf("%s: loss %.4g -> %.4g, forward %.3f GFLOP", w.Name, l1, l2, float64(s.ForwardFLOPs())/1e9)
		})
	}
}

// TestShapes checks the exported builders' output shapes for a batch of 2.
func TestShapes(t *testing.T) {
	b := backend.Shared()
	cases := []struct {
		name     string
		fn       func(*model.Scope, *Node) *Node
		in, want []int
	}{
		{"MLP2D", MLP2D, []int{2, 2}, []int{2, 2}},
		{"DAEMNIST", DAEMNIST, []int{2, 28, 28, 1}, []int{2, 28, 28, 1}},
		{"MNISTUpscaler", MNISTUpscaler, []int{2, 14, 14, 1}, []int{2, 28, 28, 1}},
		{"UNetN2N", UNetN2N, []int{2, 32, 32, 1}, []int{2, 32, 32, 1}},
		{"SDAELayer", SDAELayer, []int{2, 784}, []int{2, 784}},
	}
	for _, c := range cases {
		store := model.NewStore()
		exec, err := model.NewExec(b, store, c.fn)
		if err != nil {
			t.Fatal(err)
		}
		n := prod(c.in)
		outs, err := exec.Exec(tensors.FromFlatDataAndDimensions(make([]float32, n), c.in...))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := outs[0].Shape().Dimensions
		if len(got) != len(c.want) {
			t.Fatalf("%s: output %v, want %v", c.name, got, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Fatalf("%s: output %v, want %v", c.name, got, c.want)
			}
		}
		exec.Finalize()
		store.Finalize()
	}
}

func benchmarkWorkload(b *testing.B, name string) {
	w, err := WorkloadByName(name)
	if err != nil {
		b.Fatal(err)
	}
	s, err := NewSession(backend.Shared(), w, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Finalize()
	for range 2 { // compile + one warm-up step
		if _, err := s.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Step(); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec*1000, "ms/step")
	b.ReportMetric(float64(w.Batch)/sec, "images/s")
	b.ReportMetric(float64(3*s.ForwardFLOPs())/sec/1e9, "GFLOP/s")
	b.ReportMetric(PeakRSSMB(), "peakRSS-MiB")
}

// BenchmarkMLP2D times one Adam step of the 2D MLP (batch 100).
func BenchmarkMLP2D(b *testing.B) { benchmarkWorkload(b, "mlp2d") }

// BenchmarkDAEMNIST times one Adam step of the MNIST conv DAE (batch 100).
func BenchmarkDAEMNIST(b *testing.B) { benchmarkWorkload(b, "dae_mnist") }

// BenchmarkUpscaler times one Adam step of the MNIST upscaler (batch 100).
func BenchmarkUpscaler(b *testing.B) { benchmarkWorkload(b, "upscaler") }

// BenchmarkUNetN2N times one Adam step of the Noise2Noise U-Net (batch 8, 64x64).
func BenchmarkUNetN2N(b *testing.B) { benchmarkWorkload(b, "unet_n2n") }

// BenchmarkSDAELayer times one Adam step of one SDAE layer (batch 100).
func BenchmarkSDAELayer(b *testing.B) { benchmarkWorkload(b, "sdae_layer") }

// TestProbe runs the machine-speed probe on the selected backend: a
// finite, positive GFLOP/s.
func TestProbe(t *testing.T) {
	g, err := Probe(backend.Shared())
	if err != nil {
		t.Fatal(err)
	}
	if !(g > 0) || math.IsInf(g, 0) {
		t.Fatalf("probe: %v GFLOP/s", g)
	}
	t.Logf("probe: %.1f GFLOP/s", g)
}
