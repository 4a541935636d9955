//! rapport-channels — where conversations come from: live channels (later issues) and importers of
//! other help desks' exports ([`importers`]), all turning outside data into Rapport's shapes.

pub mod importers;
