//! How the desk is organised: teams of agents, and sites (locations, brands or countries).

use serde::{Deserialize, Serialize};

use crate::{SiteId, TeamId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    /// IANA time zone of the site, e.g. `Europe/Berlin`; business hours are counted in it.
    pub time_zone: String,
}
