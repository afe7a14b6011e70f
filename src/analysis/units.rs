//! Classes of units. A rollout gives a value to a share of the units (`for 5% of early`): a
//! unit's bucket in a bucketing, of `0..100_000`, is inside a share of P thousandths of a
//! percent when it is below P. The shares a state's rollouts use cut each bucketing into
//! intervals, and every unit of an interval gets the same values; with the context classes of
//! [`super::context`], one representative per (context class, interval of every bucketing)
//! decides an invariant for every unit, and the intervals' widths say exactly which share of
//! the units breaks it.
//!
//! One cohort is one bucketing, so its flags' shares nest; each `by` flag is a bucketing of
//! its own, independent of every other, so the classes multiply. They are bounded:
//! [`MAX_CLASSES`] per check, and [`MAX_BUCKETINGS`] bucketings, which keeps every share an
//! exact fraction in a `u128`, on top of the bound on context classes. Past a bound the check
//! gets [`TooManyClasses`], never a part of the classes.

use std::collections::BTreeMap;
use std::fmt;

use super::context::{Context, TooManyContexts, classes};
use crate::model::{AttributeId, Bucketing, FlagId, FlagState, Formula, Percent, Plan, Value};

/// The most unit classes one check enumerates: an invariant over flags rolled out with many
/// distinct shares in many independent bucketings is reported, not checked for minutes.
pub const MAX_CLASSES: usize = 1 << 14;

/// The most bucketings one check splits units by: a share is a product of one interval width
/// per bucketing, over 100,000 each, and seven keep it exact in 128 bits.
pub const MAX_BUCKETINGS: usize = 7;

/// Buckets of a bucketing: thousandths of a percent.
const BUCKETS: u128 = Percent::ALL_THOUSANDTHS as u128;

/// A share of the units of a context class, exactly: `numerator / 100_000^bucketings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    numerator: u128,
    bucketings: u32,
}

impl Share {
    /// Every unit.
    pub const ALL: Share = Share {
        numerator: 1,
        bucketings: 0,
    };

    fn denominator(self) -> u128 {
        BUCKETS.pow(self.bucketings)
    }

    pub fn is_all(self) -> bool {
        self.numerator == self.denominator()
    }

    /// The share as a fraction of one, for readers that need a number (a forecast, JSON).
    #[allow(clippy::cast_precision_loss)]
    pub fn as_f64(self) -> f64 {
        self.numerator as f64 / self.denominator() as f64
    }

    /// `self + other`, for shares of the same classes (the same bucketings).
    fn add(self, other: Share) -> Share {
        debug_assert_eq!(self.bucketings, other.bucketings);
        Share {
            numerator: self.numerator + other.numerator,
            bucketings: self.bucketings,
        }
    }
}

impl fmt::Display for Share {
    /// As an exact percentage: `12.5%`, `0.00125%`; a share's denominator is a power of ten,
    /// so every share has a finite decimal expansion.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // numerator / 10^(5k) of one is numerator / 10^(5k-2) percent.
        let digits = 5 * self.bucketings;
        if digits < 2 {
            return write!(f, "{}%", self.numerator * 100);
        }
        let scale = 10u128.pow(digits - 2);
        let (whole, fraction) = (self.numerator / scale, self.numerator % scale);
        if fraction == 0 {
            return write!(f, "{whole}%");
        }
        let fraction = format!("{fraction:0width$}", width = (digits - 2) as usize);
        write!(f, "{whole}.{}%", fraction.trim_end_matches('0'))
    }
}

/// `(bucketing, lowest bucket, highest bucket + 1)`.
pub type BucketInterval = (Bucketing, u32, u32);

/// A class of units: a context class, and an interval of each bucketing the checked flags
/// use, represented by its lowest bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitClass {
    pub context: Context,
    /// `(bucketing, lowest bucket, highest bucket + 1)`, in bucketing order.
    pub buckets: Vec<BucketInterval>,
    /// The class's share of the units of its context.
    pub share: Share,
}

impl UnitClass {
    /// A class of one context, with no rollout in sight: every unit of it.
    pub fn whole(context: Context) -> UnitClass {
        UnitClass {
            context,
            buckets: Vec::new(),
            share: Share::ALL,
        }
    }

    pub fn attribute(&self, attribute: AttributeId) -> Option<Value> {
        self.context.get(attribute)
    }

    /// The class's bucket in a bucketing (its lowest; every bucket of it behaves alike).
    pub fn bucket(&self, bucketing: Bucketing) -> u32 {
        self.buckets
            .iter()
            .find(|(b, ..)| *b == bucketing)
            .map_or(0, |&(_, low, _)| low)
    }

    /// A flag's value for the units of this class.
    pub fn value(&self, state: &FlagState, flag: FlagId) -> Value {
        state
            .get(flag)
            .value_for(&|a| self.attribute(a), &|b| self.bucket(b))
    }

    /// Whether `formula` holds for the units of this class.
    pub fn holds(&self, formula: &Formula, state: &FlagState) -> bool {
        formula.eval(&|flag| self.value(state, flag))
    }

    /// What a message adds to say which units it means: ` when http.method == "GET"`,
    /// ` for the units in the first 5% of early`, both, or nothing for every unit.
    pub fn qualifier(&self, plan: &Plan) -> String {
        let mut out = String::new();
        if !self.context.0.is_empty() {
            out.push_str(" when ");
            out.push_str(&self.context.describe(|a| plan.attribute(a).name.clone()));
        }
        let buckets = self.bucket_qualifier(plan);
        if !out.is_empty() && !buckets.is_empty() {
            out.push(',');
        }
        out + &buckets
    }

    /// ` for the units in the first 5% of early`, or nothing when the class has every unit of
    /// its context.
    pub fn bucket_qualifier(&self, plan: &Plan) -> String {
        let mut out = String::new();
        let ranges: Vec<String> = self
            .buckets
            .iter()
            .filter(|&&(_, low, high)| low != 0 || high != Percent::ALL_THOUSANDTHS)
            .map(|&(bucketing, low, high)| {
                format!(
                    "{} {}",
                    bucket_range(low, high),
                    plan.describe_bucketing(bucketing)
                )
            })
            .collect();
        if !ranges.is_empty() {
            out.push_str(" for the units in ");
            out.push_str(&ranges.join(" and "));
        }
        out
    }
}

/// `the first 5%`, `5%..25%`, `the last 75%`.
fn bucket_range(low: u32, high: u32) -> String {
    let at =
        |b: u32| Percent::from_thousandths(b).map_or_else(|| "0%".to_owned(), |p| p.to_string());
    if low == 0 {
        format!("the first {}", at(high))
    } else if high == Percent::ALL_THOUSANDTHS {
        format!("the last {}", at(Percent::ALL_THOUSANDTHS - low))
    } else {
        format!("{}..{}", at(low), at(high))
    }
}

/// Too many classes to check every one: said, never a part of them checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TooManyClasses {
    /// The conditions split the contexts into more than [`super::context::MAX_CONTEXTS`]
    /// classes.
    Contexts(TooManyContexts),
    /// The classes of units are more than [`MAX_CLASSES`], or the bucketings more than
    /// [`MAX_BUCKETINGS`].
    Units { bucketings: usize, classes: usize },
}

/// The unit classes that decide every unit's values of `flags` in `states`: one per context
/// class when none of them is rolled out to a share.
pub fn unit_classes<'s>(
    flags: &[FlagId],
    states: impl IntoIterator<Item = &'s FlagState> + Clone,
) -> Result<Vec<UnitClass>, TooManyClasses> {
    let contexts = classes(flags, states.clone()).map_err(TooManyClasses::Contexts)?;
    let mut cuts: BTreeMap<Bucketing, Vec<u32>> = BTreeMap::new();
    for state in states {
        for &flag in flags {
            for rollout in state.get(flag).rollouts() {
                cuts.entry(rollout.bucketing)
                    .or_insert_with(|| vec![0, Percent::ALL_THOUSANDTHS])
                    .push(rollout.percent.thousandths());
            }
        }
    }
    let intervals: Vec<(Bucketing, Vec<(u32, u32)>)> = cuts
        .into_iter()
        .map(|(bucketing, mut points)| {
            points.sort_unstable();
            points.dedup();
            let intervals = points.windows(2).map(|w| (w[0], w[1])).collect();
            (bucketing, intervals)
        })
        .collect();
    let count = intervals
        .iter()
        .try_fold(contexts.len(), |n, (_, i)| n.checked_mul(i.len()));
    match count {
        Some(n) if n <= MAX_CLASSES && intervals.len() <= MAX_BUCKETINGS => {}
        _ => {
            return Err(TooManyClasses::Units {
                bucketings: intervals.len(),
                classes: count.unwrap_or(usize::MAX),
            });
        }
    }
    // Every combination of one interval per bucketing, as (buckets, numerator).
    let mut combinations: Vec<(Vec<BucketInterval>, u128)> = vec![(Vec::new(), 1)];
    for (bucketing, parts) in &intervals {
        combinations = combinations
            .iter()
            .flat_map(|(buckets, numerator)| {
                parts.iter().map(move |&(low, high)| {
                    let mut buckets = buckets.clone();
                    buckets.push((*bucketing, low, high));
                    (buckets, numerator * u128::from(high - low))
                })
            })
            .collect();
    }
    #[allow(clippy::cast_possible_truncation)] // at most MAX_BUCKETINGS
    let bucketings = intervals.len() as u32;
    Ok(contexts
        .into_iter()
        .flat_map(|context| {
            combinations
                .iter()
                .map(move |(buckets, numerator)| UnitClass {
                    context: context.clone(),
                    buckets: buckets.clone(),
                    share: Share {
                        numerator: *numerator,
                        bucketings,
                    },
                })
        })
        .collect())
}

/// The first class in which `formula` fails, with the share of its context's units for which
/// it fails (the failing classes of that context together).
pub fn failing_class(
    formula: &Formula,
    state: &FlagState,
    classes: &[UnitClass],
) -> Option<(UnitClass, Share)> {
    let first = classes.iter().find(|c| !c.holds(formula, state))?;
    let share = classes
        .iter()
        .filter(|c| c.context == first.context && !c.holds(formula, state))
        .map(|c| c.share)
        .reduce(Share::add)
        .unwrap_or(first.share);
    Some((first.clone(), share))
}

#[cfg(test)]
mod tests {
    use super::Share;

    #[test]
    fn shares_print_exactly() {
        let s = |numerator, bucketings| {
            Share {
                numerator,
                bucketings,
            }
            .to_string()
        };
        assert_eq!(s(1, 0), "100%");
        assert_eq!(s(50_000, 1), "50%");
        assert_eq!(s(500, 1), "0.5%");
        assert_eq!(s(1, 1), "0.001%");
        // 50% × 25% = 12.5%.
        assert_eq!(s(50_000 * 25_000, 2), "12.5%");
        // 0.001% × 0.001%.
        assert_eq!(s(1, 2), "0.00000001%");
        assert_eq!(s(100_000u128.pow(7), 7), "100%");
    }
}
