//! The closed vocabularies of the records: each an enum of the values tkt knows, plus
//! `Unknown` keeping a value written by hand (or by a newer tkt) exactly as it was, so a
//! rewrite never loses it and `tkt check` can name it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a vocabulary: variants with their stored text.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this build does not know, kept as written.
            Unknown(String),
        }

        impl $name {
            /// The stored text of every known value, in order.
            pub const TEXTS: &'static [&'static str] = &[$($text),+];

            /// The value stored as `text`; any other text is kept as [`Self::Unknown`].
            pub fn parse(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)+
                    other => Self::Unknown(other.to_string()),
                }
            }

            /// The text stored in the record.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unknown(text) => text,
                }
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(text))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(|text| Self::parse(&text))
            }
        }
    };
}

vocabulary! {
    /// How a request reached the desk.
    Channel {
        Phone = "phone",
        Email = "email",
        Form = "form",
        WalkIn = "walk-in",
        Other = "other",
    }
}

vocabulary! {
    /// Where a request stands.
    RequestStatus {
        Open = "open",
        Promoted = "promoted",
        Rejected = "rejected",
    }
}

vocabulary! {
    /// Why a delivery note in (ddt-in) receives goods: its causale.
    DdtReason {
        Repair = "repair",
        Replacement = "replacement",
        Warranty = "warranty",
        Inspection = "inspection",
    }
}

vocabulary! {
    /// Why a delivery note out (ddt-out) sends goods: its causale.
    DdtPurpose {
        Sale = "sale",
        Return = "return",
        Replacement = "replacement",
    }
}

impl DdtReason {
    /// The causale of the transport as the trade writes it on a DDT (DPR 472/1996).
    pub fn causale(&self) -> &str {
        match self {
            DdtReason::Repair => "c/riparazione",
            DdtReason::Warranty => "riparazione in garanzia",
            DdtReason::Replacement => "sostituzione in garanzia",
            DdtReason::Inspection => "c/visione",
            DdtReason::Unknown(text) => text,
        }
    }
}

impl DdtPurpose {
    /// The causale of the transport as the trade writes it on a DDT (DPR 472/1996); a
    /// replacement that is `billed` (out of warranty) is a sale, not a warranty exchange.
    pub fn causale(&self, billed: bool) -> &str {
        match self {
            DdtPurpose::Sale => "vendita",
            DdtPurpose::Return => "reso beni riparati",
            DdtPurpose::Replacement if billed => "vendita in sostituzione",
            DdtPurpose::Replacement => "sostituzione in garanzia",
            DdtPurpose::Unknown(text) => text,
        }
    }
}

vocabulary! {
    /// Who carries the goods of a delivery note.
    TransportBy {
        Sender = "sender",
        Recipient = "recipient",
        Carrier = "carrier",
    }
}

vocabulary! {
    /// How a work report's visit ended.
    WorkOutcome {
        Resolved = "resolved",
        Unresolved = "unresolved",
        FollowUp = "follow-up",
    }
}

vocabulary! {
    /// How money moves (modalità di pagamento), as an Italian office writes it.
    PaymentMethod {
        Cash = "contanti",
        Cheque = "assegno",
        BankTransfer = "bonifico bancario",
        Card = "carta",
        RiBa = "riba",
        DirectDebit = "sdd",
    }
}

vocabulary! {
    /// Where a job order (open, closed) or a sales order (open, fulfilled, cancelled) stands.
    OrderStatus {
        Open = "open",
        Closed = "closed",
        Fulfilled = "fulfilled",
        Cancelled = "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_and_unknown_ones_are_kept_as_written() {
        assert_eq!(serde_yaml::from_str::<DdtPurpose>("sale").unwrap(), DdtPurpose::Sale);
        assert_eq!(serde_yaml::to_string(&WorkOutcome::FollowUp).unwrap(), "follow-up\n");
        let hand: PaymentMethod = serde_yaml::from_str("bonifico SEPA istantaneo").unwrap();
        assert_eq!(hand, PaymentMethod::Unknown("bonifico SEPA istantaneo".into()));
        assert!(!hand.is_known());
        assert_eq!(serde_yaml::to_string(&hand).unwrap(), "bonifico SEPA istantaneo\n");
        assert_eq!(Channel::parse("walk-in"), Channel::WalkIn);
    }
}
