//! A model file is user input (`rapport score --reasons FILE`, `rapport-train eval --order FILE`): any
//! bytes must parse to a model or an error, never a panic, and a parsed model must score text (a linear
//! model must also write itself back).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_analysis::{Engine, LinearModel, OrderModel, ReasonModel};

thread_local! {
    static ENGINE: Engine = Engine::new();
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(model) = LinearModel::parse(&text) {
        let tsv = model.to_tsv();
        assert!(LinearModel::parse(&tsv).is_ok());
        ENGINE.with(|engine| {
            let mut e = engine.clone();
            e.set_reasons(ReasonModel::new(model));
            let _ = e.analyze_customer("my parcel is late and nobody answers");
        });
    }
    if let Ok(order) = OrderModel::parse(&text) {
        ENGINE.with(|engine| {
            let mut e = engine.clone();
            e.set_order(Some(order));
            let _ = e.analyze_customer("my parcel is late again, thanks for nothing");
        });
    }
});
