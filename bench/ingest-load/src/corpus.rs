//! Built-in customer texts and names, and a tiny deterministic PRNG (no `rand` needed).

/// Realistic inbound support messages: complaints, questions, praise, mixed and neutral, 20–280 chars.
pub const TEXTS: &[&str] = &[
    // complaints
    "My order arrived two weeks late and the box was completely crushed. This is the third time this has happened. I want a full refund, not another voucher.",
    "I've been charged twice for the same subscription this month. Please fix this immediately and refund the duplicate payment.",
    "Your app keeps logging me out every few minutes. It's honestly unusable at this point.",
    "I called three times and nobody ever called me back as promised. Terrible service.",
    "The replacement part you sent is the wrong size. Again. How hard can it be to read the order?",
    "Still waiting for my refund after 21 days. Your website said 5 business days. What is going on??",
    "The jacket I bought fell apart after one wash. Very disappointed with the quality for the price I paid.",
    "Why was my account suspended without any warning? I need access to my invoices today for an audit.",
    "The delivery driver left my parcel in the rain outside the building and now the contents are ruined.",
    "Your chatbot just sends me in circles. I want to talk to a real person, please.",
    "I cancelled my plan last month but you still took money from my card. This is not acceptable.",
    "Worst experience ever. Product broken on arrival, support ignores my emails. I'm done with you.",
    "The new update removed the export feature we use every day. Our whole team is stuck now. Please bring it back!",
    "Order #48213 shows as delivered but I never received anything. Nobody in the building has it either.",
    // questions
    "Hi, can I change the delivery address on an order I placed this morning?",
    "Do you ship to Norway? And if so, how long does it usually take?",
    "How do I reset my password? The reset email never arrives, I've checked spam too.",
    "Is it possible to pause my subscription for two months while I'm travelling?",
    "What's the difference between the Pro and Business plans? We're a team of 12.",
    "Can I get an invoice with our company VAT number on it for last month's purchase?",
    "Hello, is the blue version of the kettle coming back in stock any time soon?",
    "Where can I find the warranty information for my washing machine?",
    "Could you tell me whether the size 42 runs small? I'm usually between sizes.",
    "How do I add a second user to our account without sharing my login?",
    "Is there a student discount? I couldn't find anything on the website.",
    "When will my order ship? It's been processing since Monday.",
    "Can I return an item I bought in one of your stores through the website?",
    "Bonjour, est-ce que vous livrez en Belgique ? Merci d'avance.",
    "Hallo, kann ich meine Bestellung noch stornieren? Sie wurde gestern aufgegeben.",
    "Quick question: does the API support webhooks for order status changes?",
    // praise
    "Just wanted to say thank you to Maria from your support team, she sorted everything out in five minutes. Brilliant!",
    "Love the new dashboard, it's so much faster than before. Great job, team!",
    "Package came a day early and beautifully wrapped. Thank you so much! 😊",
    "Your support has been amazing, problem solved on the first reply. Will definitely recommend you to friends.",
    "Thanks for the quick refund, really appreciated. Will order again.",
    "Excellent service as always. The new app update fixed everything I had trouble with.",
    "Merci beaucoup pour votre aide, tout fonctionne parfaitement maintenant !",
    "Just a quick thanks, the replacement arrived and works perfectly.",
    // mixed / follow-ups / neutral
    "The product itself is great, but the checkout process was confusing and I almost gave up.",
    "Thanks for getting back to me. Unfortunately the fix didn't work, the error still appears when I upload a file.",
    "Following up on my previous message, I still haven't heard anything. Any update?",
    "I attached the photos of the damage as requested. Let me know what else you need.",
    "OK, I tried clearing the cache like you said and it works now. Thanks, but it was a bit of a hassle.",
    "Any news on my ticket? It's been open for a week.",
    "Please close this ticket, I found the answer in your help center.",
    "I'm not angry, just confused: the invoice total doesn't match the price shown at checkout. Can you explain the difference?",
    "Thank you for the reply, but that doesn't answer my question about the cancellation fee.",
    "The courier says the address is incomplete. It's Flat 3B, 14 Rosewood Avenue. Please update it.",
    "I'd like to update the email address on my account to my work one.",
    "Great product, terrible delivery. The item is perfect but it took a month and I had to chase you four times. Fix your logistics, because next time I'll just buy elsewhere.",
    "hi my card got declined but money left my account?? pls check",
    "Could someone please call me back? My number is on the account. It's about a faulty heater and it's getting really cold here.",
];

const FIRST_NAMES: &[&str] = &[
    "Alice", "Bruno", "Chloé", "Dmitri", "Emma", "Farid", "Grace", "Hiro", "Ingrid", "José", "Kofi", "Lena", "Mateo",
    "Nadia", "Olivia", "Pavel", "Qiu", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë",
];

const LAST_NAMES: &[&str] = &[
    "Andersen", "Bianchi", "Cohen", "Dubois", "Evans", "Fischer", "García", "Hansen", "Ivanova", "Jensen", "Kowalski",
    "López", "Müller", "Nakamura", "O'Brien", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka", "Urban", "Varga",
    "Walsh", "Yilmaz", "Zhang",
];

/// A contact's display name and e-mail, deterministic in `i`. `tag` separates runs or pools
/// (e-mails are ASCII, unique per `(tag, i)`, and under the reserved example.com domain).
pub fn contact(tag: &str, i: u64) -> (String, String) {
    let n_first = FIRST_NAMES.len() as u64;
    let n_last = LAST_NAMES.len() as u64;
    let first = FIRST_NAMES[(i % n_first) as usize];
    let last = LAST_NAMES[((i / n_first) % n_last) as usize];
    let name = format!("{first} {last}");
    let email = format!("{tag}-{i}@example.com");
    (name, email)
}

/// SplitMix64: tiny, fast, deterministic; good enough for picking texts and contacts.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough index in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: no modulo bias worth caring about at these sizes.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    pub fn text(&mut self) -> &'static str {
        TEXTS[self.below(TEXTS.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn about_fifty_distinct_texts_of_twenty_to_280_chars() {
        assert!(TEXTS.len() >= 50, "{} texts", TEXTS.len());
        let distinct: HashSet<_> = TEXTS.iter().collect();
        assert_eq!(distinct.len(), TEXTS.len(), "duplicate text");
        for t in TEXTS {
            let n = t.chars().count();
            assert!((20..=280).contains(&n), "{n} chars: {t}");
        }
    }

    #[test]
    fn contacts_are_deterministic_and_unique_per_index() {
        assert_eq!(contact("p", 7), contact("p", 7));
        let emails: HashSet<_> = (0..5000).map(|i| contact("p", i).1).collect();
        assert_eq!(emails.len(), 5000);
        assert_ne!(contact("a", 1).1, contact("b", 1).1);
        assert!(contact("p", 0).1.is_ascii());
    }

    #[test]
    fn rng_below_stays_in_range_and_covers_it() {
        let mut r = Rng::new(42);
        let mut seen = [false; 7];
        for _ in 0..10_000 {
            let v = r.below(7);
            assert!(v < 7);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        let mut a = Rng::new(1);
        let mut b = Rng::new(1);
        assert_eq!(a.next_u64(), b.next_u64());
    }
}
