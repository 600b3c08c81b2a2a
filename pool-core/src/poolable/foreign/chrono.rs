//! chrono 0.4: dates, times and durations to their defaults.

use crate::Poolable;

/// Each resets to its `Default` (the Unix epoch, 1970-01-01 00:00:00 UTC; midnight; a zero
/// `TimeDelta`). Plain values: nothing retained, nothing to shrink.
macro_rules! chrono_default_impl {
    ($($ty:ty),* $(,)?) => {$(
        #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
        impl Poolable for $ty {
            #[inline]
            fn reset(&mut self) {
                *self = <$ty as ::core::default::Default>::default();
            }
        }
    )*};
}
chrono_default_impl!(
    ::chrono::DateTime<::chrono::Utc>,
    ::chrono::DateTime<::chrono::FixedOffset>,
    ::chrono::NaiveDate,
    ::chrono::NaiveTime,
    ::chrono::NaiveDateTime,
    ::chrono::TimeDelta,
);
