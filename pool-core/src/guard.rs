//! The traits every guard shares, written once: [`Pooled`](crate::Pooled),
//! [`PooledOwned`](crate::PooledOwned), [`LocalPooled`](crate::LocalPooled) and the buffer
//! guards.
//!
//! A guard type has a field `value: Held<T>` and two methods of its own: `give_back(&self,
//! Slot<T>)`, which returns the object to its pool, and `count_detached(&self)`.
//! The macro adds `Deref`, `DerefMut`, `AsRef`, `AsMut`, `Debug`, the `Drop` that gives the object
//! back, and `detach` (counted in the pool's `detached`), so every guard has the same traits and
//! the same counting.

/// Implements the shared guard traits for `$guard<$lt, T>` where `T: $bounds`; the attributes
/// before `detach` are its docs (with a doctest naming the guard's own pool).
macro_rules! guard_impls {
    (
        $guard:ident $(<$lt:lifetime>)?, [$($bounds:tt)+],
        $(#[$detach_doc:meta])*
    ) => {
        impl<$($lt,)? T: $($bounds)+> ::core::ops::Deref for $guard<$($lt,)? T> {
            type Target = T;
            #[inline]
            fn deref(&self) -> &T {
                self.value.get()
            }
        }

        impl<$($lt,)? T: $($bounds)+> ::core::ops::DerefMut for $guard<$($lt,)? T> {
            #[inline]
            fn deref_mut(&mut self) -> &mut T {
                self.value.get_mut()
            }
        }

        impl<$($lt,)? T: $($bounds)+> AsRef<T> for $guard<$($lt,)? T> {
            fn as_ref(&self) -> &T {
                self
            }
        }

        impl<$($lt,)? T: $($bounds)+> AsMut<T> for $guard<$($lt,)? T> {
            fn as_mut(&mut self) -> &mut T {
                self
            }
        }

        impl<$($lt,)? T: $($bounds)+ + ::core::fmt::Debug> ::core::fmt::Debug
            for $guard<$($lt,)? T>
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&**self, f)
            }
        }

        impl<$($lt,)? T: $($bounds)+> Drop for $guard<$($lt,)? T> {
            #[inline(always)]
            fn drop(&mut self) {
                if let Some(value) = self.value.take() {
                    self.give_back(value);
                }
            }
        }

        impl<$($lt,)? T: $($bounds)+> $guard<$($lt,)? T> {
            $(#[$detach_doc])*
            pub fn detach(mut this: Self) -> T {
                this.count_detached();
                this.value.detach()
            }
        }
    };
}

pub(crate) use guard_impls;
