package train

import "testing"

// TestFingerprint: FNV-1a's published value for "a" (no slices), equal
// inputs give equal prints, and any change of meta, a value (even -0 vs 0,
// equal as floats), or where the values split between slices changes it.
func TestFingerprint(t *testing.T) {
	if got := Fingerprint("a"); got != "af63dc4c8601ec8c" {
		t.Errorf(`Fingerprint("a") = %s, want FNV-1a 64 "af63dc4c8601ec8c"`, got)
	}
	base := Fingerprint("m", []float32{1, 2}, []float32{3})
	if again := Fingerprint("m", []float32{1, 2}, []float32{3}); again != base {
		t.Errorf("same input, %s then %s", base, again)
	}
	negZero := float32(0)
	negZero = -negZero
	for name, fp := range map[string]string{
		"meta":  Fingerprint("n", []float32{1, 2}, []float32{3}),
		"value": Fingerprint("m", []float32{1, 2}, []float32{3.0000002}),
		"split": Fingerprint("m", []float32{1}, []float32{2, 3}),
		"-0":    Fingerprint("m", []float32{1, 2}, []float32{3, negZero}),
	} {
		zero := Fingerprint("m", []float32{1, 2}, []float32{3, 0})
		if fp == base || (name == "-0" && fp == zero) {
			t.Errorf("changing the %s left the fingerprint at %s", name, fp)
		}
	}
}
