//! `SplitMix64`: a small counter-based generator. Each forecast run gets its own stream derived
//! from `(seed, run index)`, so results do not depend on which thread runs which run.

/// The golden-ratio increment of `SplitMix64`.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// The stream of run `index` under `seed`: the two are hashed together so that nearby seeds
    /// and nearby runs give unrelated streams.
    pub fn for_run(seed: u64, index: u64) -> SplitMix64 {
        SplitMix64 {
            state: mix(seed ^ mix(index.wrapping_add(GAMMA))),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix(self.state)
    }

    /// A uniform number in `[0, 1)` with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        // 53 bits fit an f64 mantissa exactly, so the conversion is lossless.
        let bits = self.next_u64() >> 11;
        let high = u32::try_from(bits >> 32).unwrap_or(0);
        let low = u32::try_from(bits & 0xFFFF_FFFF).unwrap_or(0);
        (f64::from(high) * 4_294_967_296.0 + f64::from(low)) / 9_007_199_254_740_992.0
    }

    /// A uniform integer in `0..n` (`n > 0`), by Lemire's multiply-shift (bias below 2^-32 for the
    /// small ranges used here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| SplitMix64::for_run(7, 3).next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            SplitMix64::for_run(7, 3).next_u64(),
            SplitMix64::for_run(7, 4).next_u64()
        );
        assert_ne!(
            SplitMix64::for_run(7, 3).next_u64(),
            SplitMix64::for_run(8, 3).next_u64()
        );
    }

    #[test]
    fn uniform_floats_stay_in_range_with_the_right_mean() {
        let mut r = SplitMix64::for_run(1, 0);
        let n = 100_000;
        let sum: f64 = (0..n)
            .map(|_| {
                let x = r.next_f64();
                assert!((0.0..1.0).contains(&x));
                x
            })
            .sum();
        assert!((sum / f64::from(n) - 0.5).abs() < 0.01);
    }
}
