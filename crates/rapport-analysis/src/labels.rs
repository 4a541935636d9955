//! The stable label sets the engine outputs. Their `as_str` forms are API: they appear in JSON,
//! in the database and in users' scripts.

use serde::{Deserialize, Serialize};

macro_rules! label_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value, in declaration order (the order of model classes).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case form (the serde form).
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            /// Parses the [`as_str`](Self::as_str) form, ignoring ASCII case and surrounding whitespace.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

label_enum! {
    /// Polarity label.
    SentimentLabel {
        Negative => "negative",
        Neutral => "neutral",
        Positive => "positive",
    }
}

label_enum! {
    /// The customer's emotion (PRODUCT.md C3).
    Emotion {
        Anger => "anger",
        Frustration => "frustration",
        Anxiety => "anxiety",
        Disappointment => "disappointment",
        Satisfaction => "satisfaction",
        Gratitude => "gratitude",
        Neutral => "neutral",
    }
}

label_enum! {
    /// Why the customer complains: the stable set of PRODUCT.md §3.
    ComplaintReason {
        /// Late or missing goods or services.
        DeliveryDelay => "delivery_delay",
        Cancellation => "cancellation",
        BillingRefund => "billing_refund",
        ProductQuality => "product_quality",
        LostOrDamaged => "lost_or_damaged",
        AgentAttitude => "agent_attitude",
        /// Nobody answers, no updates, hold times.
        Communication => "communication",
        Technical => "technical",
        Other => "other",
    }
}

label_enum! {
    /// Service intents worth acting on.
    Intent {
        AsksUpdate => "asks_update",
        ThreatensLeave => "threatens_leave",
        ThreatensPublic => "threatens_public",
        AsksHuman => "asks_human",
        RepeatsRequest => "repeats_request",
    }
}
