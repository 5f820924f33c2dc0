//! The services list answers in any of three forms (the reference's declared array, the older
//! page's `{"Service": …}` envelope, the current page's bare object): one way to read them.

use crate::types::{Service, ServiceList};

impl ServiceList {
    /// The services of this answer, whichever form it came in.
    pub fn services(&self) -> &[Service] {
        match self {
            ServiceList::Services(services) => services,
            ServiceList::ServiceEnvelope(envelope) => std::slice::from_ref(&envelope.service),
            ServiceList::Service(service) => std::slice::from_ref(service),
        }
    }

    /// The services of this answer, whichever form it came in.
    pub fn into_services(self) -> Vec<Service> {
        match self {
            ServiceList::Services(services) => services.0,
            ServiceList::ServiceEnvelope(envelope) => vec![envelope.service],
            ServiceList::Service(service) => vec![service],
        }
    }
}
