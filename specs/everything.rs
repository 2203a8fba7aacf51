//! The everything server: handlers that use their [`Context`] to log,
//! report progress and stop when the client cancels.

use std::{
    sync::atomic::{AtomicI64, Ordering},
    time::Duration,
};

use crate::context::Level;
use crate::server::{Context, PromptMessage, Role};
use crate::{Error, Handler, Settings};

pub struct App {
    ticks: AtomicI64,
}

impl Handler for App {
    fn new(_settings: &Settings) -> Result<Self, Error> {
        Ok(Self {
            ticks: AtomicI64::new(0),
        })
    }

    async fn test_simple_text(&self) -> Result<String, Error> {
        Ok("This is a simple text response for testing.".to_owned())
    }

    async fn test_tool_with_logging(&self, context: Context) -> Result<String, Error> {
        context.info("Tool execution started").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        context.info("Tool processing data").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        context.info("Tool execution completed").await;
        Ok("Tool with logging executed successfully".to_owned())
    }

    async fn test_tool_with_progress(&self, context: Context) -> Result<String, Error> {
        for step in [0.0, 50.0, 100.0] {
            context
                .progress(step, Some(100.0), Some(&format!("Completed step {step}")))
                .await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok("Tool with progress executed successfully".to_owned())
    }

    async fn count_slowly(&self, context: Context, steps: i64) -> Result<String, Error> {
        for step in 1..=steps {
            // Cancelling the call drops this future at the sleep: the
            // counting stops there.
            tokio::time::sleep(Duration::from_millis(100)).await;
            self.ticks.fetch_add(1, Ordering::SeqCst);
            context
                .progress(step as f64, Some(steps as f64), None)
                .await;
        }
        Ok(format!("counted to {steps}"))
    }

    async fn ticks(&self) -> Result<String, Error> {
        Ok(self.ticks.load(Ordering::SeqCst).to_string())
    }

    async fn level_probe(&self, context: Context) -> Result<String, Error> {
        let levels = [
            Level::Debug,
            Level::Info,
            Level::Notice,
            Level::Warning,
            Level::Error,
            Level::Critical,
            Level::Alert,
            Level::Emergency,
        ];
        for level in levels {
            context.log(level, format!("a {level:?} message")).await;
        }
        Ok(format!("logged {} messages", levels.len()))
    }

    async fn echo(&self, context: Context, word: String) -> Result<String, Error> {
        context.debug(format!("echoing {word}")).await;
        Ok(word)
    }

    async fn logged_prompt(
        &self,
        context: Context,
        topic: String,
    ) -> Result<Vec<PromptMessage>, Error> {
        context
            .info(format!("building a prompt about {topic}"))
            .await;
        Ok(vec![PromptMessage::new_text(
            Role::User,
            format!("Tell me about {topic}."),
        )])
    }
}
