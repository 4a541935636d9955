//! Small statistics for the assessment: is a spread across groups (agents, accounts, channels) larger
//! than chance? Pure functions, no dependencies.

/// Kruskal–Wallis H test over groups of observations (ties get average ranks, H is tie-corrected).
/// Returns `(h, p_value)`, or `None` with fewer than two non-empty groups or no variation at all.
pub fn kruskal_wallis(groups: &[Vec<f64>]) -> Option<(f64, f64)> {
    let groups: Vec<&Vec<f64>> = groups.iter().filter(|g| !g.is_empty()).collect();
    if groups.len() < 2 {
        return None;
    }
    let mut all: Vec<(f64, usize)> =
        groups.iter().enumerate().flat_map(|(gi, g)| g.iter().map(move |&v| (v, gi))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = all.len() as f64;
    let mut rank_sums = vec![0f64; groups.len()];
    let mut ties = 0f64;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        // Positions i..=j share the average of ranks i+1..=j+1.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &(_, g) in &all[i..=j] {
            rank_sums[g] += rank;
        }
        let t = (j - i + 1) as f64;
        ties += t * t * t - t;
        i = j + 1;
    }
    let h: f64 = 12.0 / (n * (n + 1.0))
        * groups.iter().zip(&rank_sums).map(|(g, r)| r * r / g.len() as f64).sum::<f64>()
        - 3.0 * (n + 1.0);
    let correction = 1.0 - ties / (n * n * n - n);
    if correction <= 0.0 {
        return None;
    }
    let h = h / correction;
    Some((h, chi_square_sf(h, (groups.len() - 1) as f64)))
}

/// P(X > x) for a chi-square variable with `k` degrees of freedom.
pub fn chi_square_sf(x: f64, k: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    (1.0 - lower_gamma_regularized(k / 2.0, x / 2.0)).clamp(0.0, 1.0)
}

/// The regularised lower incomplete gamma function P(a, x) (series for small x, continued fraction
/// otherwise, as in Numerical Recipes).
fn lower_gamma_regularized(a: f64, x: f64) -> f64 {
    if x < a + 1.0 {
        let (mut sum, mut term, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..500 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        sum * (-x + a * x.ln() - ln_gamma(a)).exp()
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..500 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-15 {
                break;
            }
        }
        1.0 - (-x + a * x.ln() - ln_gamma(a)).exp() * h
    }
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let s: f64 = C[0] + C[1..].iter().enumerate().map(|(i, c)| c / (x + i as f64 + 1.0)).sum::<f64>();
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_tail_matches_tables() {
        // Critical values: chi2(1) 3.841 → 0.05, chi2(2) 5.991 → 0.05, chi2(5) 15.086 → 0.01.
        assert!((chi_square_sf(3.841, 1.0) - 0.05).abs() < 1e-3);
        assert!((chi_square_sf(5.991, 2.0) - 0.05).abs() < 1e-3);
        assert!((chi_square_sf(15.086, 5.0) - 0.01).abs() < 1e-3);
        assert_eq!(chi_square_sf(0.0, 3.0), 1.0);
    }

    #[test]
    fn kruskal_wallis_separates_real_differences_from_noise() {
        // scipy.stats.kruskal([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]) → H = 6.818, p = 0.00902
        let (h, p) = kruskal_wallis(&[vec![1.0, 2.0, 3.0, 4.0, 5.0], vec![6.0, 7.0, 8.0, 9.0, 10.0]]).unwrap();
        assert!((h - 6.818).abs() < 1e-3, "{h}");
        assert!((p - 0.00902).abs() < 1e-4, "{p}");
        // Interleaved groups: no difference.
        let (_, p) = kruskal_wallis(&[vec![1.0, 3.0, 5.0, 7.0], vec![2.0, 4.0, 6.0, 8.0]]).unwrap();
        assert!(p > 0.5, "{p}");
        // Ties, worked by hand: ranks 1.5 1.5 3.5 | 3.5 5.5 5.5; H = 3.0476 before and 3.3333 after the
        // tie correction (1 − 18/210); p = P(chi2(1) > 3.3333) = 0.0679.
        let (h, p) = kruskal_wallis(&[vec![1.0, 1.0, 2.0], vec![2.0, 3.0, 3.0]]).unwrap();
        assert!((h - 3.3333).abs() < 1e-3, "{h}");
        assert!((p - 0.0679).abs() < 1e-3, "{p}");
        assert!(kruskal_wallis(&[vec![1.0, 2.0]]).is_none());
        assert!(kruskal_wallis(&[vec![1.0, 1.0], vec![1.0]]).is_none());
    }
}
